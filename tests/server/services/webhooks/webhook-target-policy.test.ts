import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../server/config/env';
import {
  parseWebhookTargetRules,
  resolvedAddressesRefusal,
  webhookAddressRefusal,
  webhookUrlProblem,
  webhookUrlRefusal,
  type WebhookTargetRule,
} from '../../../../server/services/webhooks/webhook-target-policy';
import { WebhookTargetRefusedError, checkedLookup } from '../../../../server/services/webhooks/webhook-target-resolution';

/**
 * The webhook target policy on its own: which addresses and URLs it refuses, in every spelling the URL parser and
 * DNS hand it. Refused addresses outside 127.0.0.0/8 are written as IPv6, or built from their octets below (the
 * house rule keeps dotted quads of other ranges out of the tests); they are only parsed, never connected to.
 */
const ipv4 = (...octets: number[]) => octets.join('.');
/** The same address as one decimal number (`http://2130706433/` is 127.0.0.1). */
const decimal = (...octets: number[]) => String(octets.reduce((value, octet) => value * 256 + octet, 0));
/** …or as one hexadecimal number (`http://0x7f000001/`). */
const hex = (...octets: number[]) => `0x${Number(decimal(...octets)).toString(16)}`;
const rules = (value: string): WebhookTargetRule[] => {
  const parsed = parseWebhookTargetRules(value);
  expect(parsed.problems).toEqual([]);
  return parsed.rules;
};

describe('webhook target addresses', () => {
  const refused: [string, RegExp][] = [
    ['127.0.0.1', /is a loopback address$/],
    ['127.255.255.254', /is a loopback address$/],
    ['::1', /is a loopback address$/],
    ['::ffff:127.0.0.1', /is a loopback address$/],
    ['::ffff:7f00:1', /is a loopback address$/],
    ['[::ffff:7f00:1]', /is a loopback address$/],
    [ipv4(0, 0, 0, 0), /is an unspecified \("this network"\) address$/],
    ['::', /is the unspecified address$/],
    ['::ffff:0:0', /is an unspecified/],
    [ipv4(169, 254, 169, 254), /is a link-local address \(where cloud metadata services answer\)$/],
    ['::ffff:a9fe:a9fe', /is a link-local address/],
    ['fe80::1', /is a link-local address$/],
    ['fe80::1%eth0', /is a link-local address$/],
    ['fd00:ec2::254', /is a cloud metadata address$/],
    [ipv4(100, 100, 100, 200), /is a cloud metadata address$/],
    [ipv4(224, 0, 0, 251), /is a multicast address$/],
    ['ff02::1', /is a multicast address$/],
    [ipv4(255, 255, 255, 255), /is the broadcast address$/],
    [ipv4(240, 0, 0, 1), /is a reserved address$/],
    // IPv4 carried inside IPv6 for a translator or tunnel: judged by the IPv4 address.
    ['64:ff9b::7f00:1', /is an address carrying 127\.0\.0\.1, a loopback address$/],
    ['64:ff9b::a9fe:a9fe', /carrying .*, a link-local address/],
    ['2002:7f00:1::', /carrying 127\.0\.0\.1, a loopback address$/],
    ['::7f00:1', /carrying 127\.0\.0\.1, a loopback address$/],
    ['not-an-address', /is not an IP address$/],
  ];
  it.each(refused)('refuses %s', (address, reason) => {
    expect(webhookAddressRefusal(address, [])).toMatch(reason);
  });

  // Private ranges stay allowed: the intranet's ticketing system is a webhook's usual receiver.
  const allowed = [ipv4(10, 1, 2, 3), ipv4(172, 16, 0, 1), ipv4(192, 168, 1, 10), ipv4(100, 64, 0, 1), ipv4(93, 184, 216, 34), '::ffff:a01:203', 'fc00::1', 'fd12:3456::1', '2001:db8::1', '64:ff9b::a01:203'];
  it.each(allowed)('allows %s', (address) => {
    expect(webhookAddressRefusal(address, [])).toBeNull();
  });

  it('lets VIGIL_WEBHOOK_ALLOWED_TARGETS allow a refused range and refuse an allowed one; the longest prefix decides', () => {
    const configured = rules(`127.0.0.1/32, !${ipv4(10, 0, 0, 0)}/8, ${ipv4(10, 1, 2, 3)}, !fc00::/7, fe80::/10`);
    expect(webhookAddressRefusal('127.0.0.1', configured)).toBeNull();
    expect(webhookAddressRefusal('::ffff:7f00:1', configured)).toBeNull();
    expect(webhookAddressRefusal('127.0.0.2', configured)).toMatch(/loopback/);
    expect(webhookAddressRefusal('::1', configured)).toMatch(/loopback/);
    expect(webhookAddressRefusal(ipv4(10, 9, 9, 9), configured)).toMatch(/is refused by VIGIL_WEBHOOK_ALLOWED_TARGETS entry !.*\/8$/);
    expect(webhookAddressRefusal(ipv4(10, 1, 2, 3), configured)).toBeNull();
    expect(webhookAddressRefusal('fd12::1', configured)).toMatch(/entry !fc00::\/7$/);
    expect(webhookAddressRefusal('fe80::1', configured)).toBeNull();
    // A refusal wins a tie.
    expect(webhookAddressRefusal('127.0.0.1', rules('127.0.0.1, !127.0.0.1/32'))).toMatch(/entry !127\.0\.0\.1\/32/);
  });

  it('judges a name by every address it resolves to', () => {
    expect(resolvedAddressesRefusal('localhost', ['127.0.0.1'], [])).toBe('localhost resolves to 127.0.0.1, a loopback address');
    expect(resolvedAddressesRefusal('hooks.example.org', [ipv4(10, 1, 2, 3), '::1'], [])).toBe('hooks.example.org resolves to ::1, a loopback address');
    expect(resolvedAddressesRefusal('hooks.example.org', [ipv4(10, 1, 2, 3), 'fd12::1'], [])).toBeNull();
    expect(resolvedAddressesRefusal('localhost', ['127.0.0.1'], rules('127.0.0.0/8'))).toBeNull();
  });
});

describe('webhook target URLs', () => {
  const table: [string, RegExp | null][] = [
    ['https://hooks.example.org/vigil', null],
    ['https://hooks.example.org:8443/vigil', null],
    [`https://${decimal(10, 1, 2, 3)}/vigil`, null],
    ['https://[fd12::1]/vigil', null],
    // A name is judged once resolved (creation and every delivery).
    ['http://localhost/hook', null],
    ['http://hooks.example.org/vigil', /^must be an https:\/\/ URL/],
    ['ftp://127.0.0.1/', /^must be an https:\/\/ URL/],
    ['not a url', /^must be an https:\/\/ URL/],
    ['https://user:pw@hooks.example.org/', /credentials/],
    ['https://hooks.example.org/#top', /fragment/],
    ['https://hooks.example.org:25/', /^port 25 belongs to another protocol/],
    ['https://hooks.example.org:6667/', /^port 6667/],
    ['http://127.0.0.1:8080/hook', /^127\.0\.0\.1 is a loopback address$/],
    ['http://[::1]:8080/hook', /^\[::1\] is a loopback address$/],
    ['https://[::ffff:127.0.0.1]/hook', /^\[::ffff:7f00:1\] is a loopback address$/],
    // Spellings of IPv4 that the URL parser normalises to dotted quads before the policy sees them.
    ['http://2130706433/', /^127\.0\.0\.1 is a loopback address$/],
    ['http://0x7f.1/', /^127\.0\.0\.1 is a loopback address$/],
    ['http://0177.0.0.1/', /^127\.0\.0\.1 is a loopback address$/],
    ['http://127.1/', /^127\.0\.0\.1 is a loopback address$/],
    [`https://${decimal(169, 254, 169, 254)}/latest/meta-data/`, /is a link-local address \(where cloud metadata services answer\)$/],
    [`https://${hex(169, 254, 169, 254)}/`, /is a link-local address/],
    ['http://0x7f000001/', /^127\.0\.0\.1 is a loopback address$/],
    ['https://[::ffff:a9fe:a9fe]/latest/meta-data/', /^\[::ffff:a9fe:a9fe\] is a link-local address/],
    ['https://[fd00:ec2::254]/latest/meta-data/', /is a cloud metadata address$/],
    ['https://0/', /is an unspecified/],
    ['https://[::]/', /is the unspecified address$/],
    ['https://[ff02::1]/', /is a multicast address$/],
    ['https://[fe80::1]/', /is a link-local address$/],
  ];
  it.each(table)('%s → %s', (url, refusal) => {
    const verdict = webhookUrlRefusal(url, []);
    if (refusal) expect(verdict).toMatch(refusal);
    else expect(verdict).toBeNull();
  });

  it('checks the shape alone whatever the configuration (the form’s field check)', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook')).toBeNull();
    expect(webhookUrlProblem('https://hooks.example.org:25/')).toMatch(/port 25/);
  });

  it('takes the allow list’s addresses and names', () => {
    const configured = rules('127.0.0.1/32, !hooks.example.org, Tickets.Example.Org.');
    expect(webhookUrlRefusal('http://127.0.0.1:8080/hook', configured)).toBeNull();
    expect(webhookUrlRefusal('http://2130706433:8080/hook', configured)).toBeNull();
    expect(webhookUrlRefusal('http://127.0.0.2:8080/hook', configured)).toMatch(/loopback/);
    expect(webhookUrlRefusal('https://HOOKS.example.org./x', configured)).toBe('hooks.example.org is refused by VIGIL_WEBHOOK_ALLOWED_TARGETS entry !hooks.example.org');
    // Allowed by name: its addresses are trusted, the port and scheme rules still hold.
    expect(webhookUrlRefusal('https://tickets.example.org/x', configured)).toBeNull();
    expect(webhookUrlRefusal('https://tickets.example.org:25/x', configured)).toMatch(/port 25/);
  });
});

describe('VIGIL_WEBHOOK_ALLOWED_TARGETS', () => {
  it('parses addresses, CIDRs, names and `!` refusals; names every entry that is none', () => {
    const parsed = parseWebhookTargetRules(' 127.0.0.1/32 ,, !::1, tickets.example.org, 0x7f.1, 127.0.0.1/33, 127.0.0.1/8, ::1/129, not a host, -bad-.example, 127.0.0.1/x');
    expect(parsed.rules.map((rule) => [rule.entry, rule.allow, rule.host])).toEqual([
      ['127.0.0.1/32', true, null],
      ['!::1', false, null],
      ['tickets.example.org', true, 'tickets.example.org'],
    ]);
    expect(parsed.problems.map((problem) => problem.split('"')[1])).toEqual(['0x7f.1', '127.0.0.1/33', '127.0.0.1/8', '::1/129', 'not a host', '-bad-.example', '127.0.0.1/x']);
    expect(parsed.problems[0]).toMatch(/is not an address, CIDR .* or host name$/);
  });

  it('is validated with the rest of the configuration', () => {
    expect(loadConfig({}).webhookAllowedTargets).toEqual([]);
    expect(loadConfig({ VIGIL_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' }).webhookAllowedTargets).toHaveLength(1);
    expect(() => loadConfig({ VIGIL_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/33' })).toThrow(/^VIGIL_WEBHOOK_ALLOWED_TARGETS: "127\.0\.0\.1\/33" is not an address/);
  });
});

describe('delivery lookup', () => {
  const lookup = (configured: WebhookTargetRule[], all: boolean) =>
    new Promise<{ error: Error | null; addresses: string | LookupAddress[] }>((resolve) => checkedLookup(configured)('localhost', { all }, (error, addresses) => resolve({ error, addresses })));

  it('refuses a name that resolves to a refused address, before any connection', async () => {
    const { error } = await lookup([], true);
    expect(error).toBeInstanceOf(WebhookTargetRefusedError);
    expect(error!.message).toBe('localhost resolves to 127.0.0.1, a loopback address');
  });

  it('hands the connection exactly the addresses it checked', async () => {
    expect((await lookup(rules('127.0.0.1/32'), true)).addresses).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect((await lookup(rules('127.0.0.1/32'), false)).addresses).toBe('127.0.0.1');
  });
});
