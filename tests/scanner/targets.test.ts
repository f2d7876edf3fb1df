import { describe, expect, it } from 'vitest';
import { isAppError } from '../../server/errors/app-error';
import { createExclusionCheck, expandTargets, isExcluded, parsePortSpec } from '../../scanner/targets';

// Only loopback addresses here (127.0.0.0/8, ::1): a house check flags any other literal.
describe('expandTargets', () => {
  const cases: { name: string; targets: string[]; exclusions?: string[]; maxHosts?: number; hosts: string[]; problems?: RegExp[] }[] = [
    { name: 'single address', targets: ['127.0.0.1'], hosts: ['127.0.0.1'] },
    { name: 'last-octet range', targets: ['127.0.0.1-4'], hosts: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'] },
    { name: 'full range across an octet', targets: ['127.0.0.254-127.0.1.1'], hosts: ['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1'] },
    { name: 'CIDR keeps every address', targets: ['127.0.0.0/30'], hosts: ['127.0.0.0', '127.0.0.1', '127.0.0.2', '127.0.0.3'] },
    { name: 'CIDR base is masked', targets: ['127.0.0.5/31'], hosts: ['127.0.0.4', '127.0.0.5'] },
    { name: '/32', targets: ['127.0.0.9/32'], hosts: ['127.0.0.9'] },
    { name: 'host names kept as names, lower-cased', targets: ['LocalHost', 'scan-target.example.'], hosts: ['localhost', 'scan-target.example'] },
    { name: 'IPv6 literal normalised', targets: ['0:0:0:0:0:0:0:1'], hosts: ['::1'] },
    { name: 'IPv6 CIDR', targets: ['::1/127'], hosts: ['::', '::1'] },
    { name: 'IPv4-mapped IPv6 is the IPv4 address', targets: ['::ffff:127.0.0.1', '127.0.0.1'], hosts: ['127.0.0.1'] },
    { name: 'duplicates once, order kept', targets: ['127.0.0.3', '127.0.0.1-3'], hosts: ['127.0.0.3', '127.0.0.1', '127.0.0.2'] },
    { name: 'whitespace trimmed', targets: [' 127.0.0.1 '], hosts: ['127.0.0.1'] },
    // Exclusions always win.
    { name: 'excluded address', targets: ['127.0.0.1-4'], exclusions: ['127.0.0.2'], hosts: ['127.0.0.1', '127.0.0.3', '127.0.0.4'] },
    { name: 'excluded range', targets: ['127.0.0.0/29'], exclusions: ['127.0.0.2-5'], hosts: ['127.0.0.0', '127.0.0.1', '127.0.0.6', '127.0.0.7'] },
    { name: 'excluded CIDR covers the target', targets: ['127.0.0.1', '127.0.0.0/28'], exclusions: ['127.0.0.0/8'], hosts: [] },
    { name: 'overlapping exclusions merge', targets: ['127.0.0.0/29'], exclusions: ['127.0.0.1-3', '127.0.0.2-127.0.0.6'], hosts: ['127.0.0.0', '127.0.0.7'] },
    { name: 'excluded host name, any case', targets: ['localhost', 'other.example'], exclusions: ['LOCALHOST.'], hosts: ['other.example'] },
    { name: 'excluded IPv6', targets: ['::1', '127.0.0.1'], exclusions: ['::1/128'], hosts: ['127.0.0.1'] },
    { name: 'IPv4-mapped exclusion excludes IPv4', targets: ['127.0.0.1'], exclusions: ['::ffff:127.0.0.1'], hosts: [] },
    // Bad input: reported, the rest still expands.
    { name: 'octet out of range', targets: ['127.0.0.256', '127.0.0.1'], hosts: ['127.0.0.1'], problems: [/"127\.0\.0\.256" is not an address/] },
    { name: 'range backwards', targets: ['127.0.0.5-3'], hosts: [], problems: [/ends before it starts/] },
    { name: 'range end not an octet', targets: ['127.0.0.1-300'], hosts: [], problems: [/not an octet/] },
    { name: 'mixed-family range', targets: ['127.0.0.1-::1'], hosts: [], problems: [/same family/] },
    { name: 'prefix too long', targets: ['127.0.0.0/33'], hosts: [], problems: [/prefix length must be 0–32/] },
    { name: 'garbage', targets: ['not a host!', '', '127.0.0'], hosts: [], problems: [/not an address/, /not an address/, /not an address/] },
    { name: '/16 beyond a smaller cap', targets: ['127.0.0.0/16'], maxHosts: 1000, hosts: [], problems: [/covers 65536 addresses; a job may hold at most 1000 hosts/] },
    { name: '/8 beyond the default cap', targets: ['127.0.0.0/8'], hosts: [], problems: [/covers 16777216 addresses; a job may hold at most 65536/] },
    { name: 'cap counts earlier targets', targets: ['127.0.0.0/30', '127.0.1.0/30', 'localhost'], maxHosts: 6, hosts: ['127.0.0.0', '127.0.0.1', '127.0.0.2', '127.0.0.3', 'localhost'], problems: [/already/] },
  ];

  it.each(cases)('$name', ({ targets, exclusions = [], maxHosts, hosts, problems = [] }) => {
    const result = expandTargets({ targets, exclusions, maxHosts });
    expect(result.hosts).toEqual(hosts);
    expect(result.problems).toHaveLength(problems.length);
    problems.forEach((pattern, index) => expect(result.problems[index]!.message).toMatch(pattern));
  });

  it('expands a full /16 at the default cap', () => {
    const { hosts, problems } = expandTargets({ targets: ['127.1.0.0/16'], exclusions: ['127.1.255.0/24'] });
    expect(problems).toEqual([]);
    expect(hosts).toHaveLength(65_536 - 256);
    expect(hosts.at(-1)).toBe('127.1.254.255');
  });

  it('refuses an exclusion it cannot understand rather than scan without it', () => {
    for (const exclusion of ['127.0.0.1/40', 'not valid!', '127.0.0.9-2']) {
      expect(() => expandTargets({ targets: ['127.0.0.1'], exclusions: [exclusion] })).toThrow(/exclusion/);
    }
  });
});

describe('isExcluded', () => {
  const exclusions = ['127.0.0.0/30', '127.0.1.5-9', '::1', 'db.internal.example'];
  it.each([
    ['127.0.0.3', true],
    ['127.0.0.4', false],
    ['127.0.1.7', true],
    ['127.0.1.10', false],
    ['::1', true],
    ['0:0::1', true],
    ['::ffff:127.0.0.2', true],
    ['DB.internal.example', true],
    ['web.internal.example', false],
  ])('%s → %s', (address, excluded) => {
    expect(isExcluded({ address, exclusions })).toBe(excluded);
    expect(createExclusionCheck(exclusions)(address)).toBe(excluded);
  });

  it('throws on an exclusion it cannot understand', () => {
    expect(() => isExcluded({ address: '127.0.0.1', exclusions: ['127.0.0.1-x'] })).toThrow(/exclusion "127\.0\.0\.1-x"/);
    expect(() => createExclusionCheck(['127.0.0.0/99'])).toThrow(/prefix length must be 0–32/);
  });
});

describe('parsePortSpec', () => {
  it.each([
    ['22', [22]],
    ['443,22,80,22', [22, 80, 443]],
    [' 1-3 , 5 ', [1, 2, 3, 5]],
    ['8000-8002,8001', [8000, 8001, 8002]],
    ['65535', [65_535]],
  ])('%s', (spec, ports) => {
    expect(parsePortSpec(spec)).toEqual(ports);
  });

  it('1-1000 is a thousand ports', () => {
    expect(parsePortSpec('1-1000')).toHaveLength(1000);
  });

  it('top100 is nmap -F, and combines with other ports', () => {
    const top = parsePortSpec('top100');
    expect(top).toHaveLength(100);
    expect(top).toEqual(expect.arrayContaining([22, 80, 443, 3306, 3389, 8080]));
    expect(parsePortSpec('top100,22,1')).toHaveLength(101);
  });

  it.each([
    ['0', /"0" is not a port/],
    ['70000', /"70000" is not a port/],
    ['5-3', /range "5-3" ends before it starts/],
    ['abc', /"abc" is not a port/],
    ['', /"" is not a port/],
    ['22,', /"" is not a port/],
    ['1-2-3', /more than one "-"/],
    ['-5', /"-5" is not a port/],
    ['22.5', /is not a port/],
    ['1e3', /is not a port/],
  ])('refuses %j', (spec, message) => {
    let thrown: unknown;
    try {
      parsePortSpec(spec);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe('BAD_INPUT');
    expect((thrown as Error).message).toMatch(message);
  });
});
