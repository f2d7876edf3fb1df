import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KbSourceStatusModel } from '../../../../server/models/kb-source-status.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { getKbVulnerability } from '../../../../server/services/kb/get-kb-vulnerability';
import { searchKb, type SearchKbOptions } from '../../../../server/services/kb/search-kb';
import { kbSearchInput } from '../../../../server/trpc/routers/kb/kb-search.procedure';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { testContext } from '../../../helpers/trpc-context';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { KB_SEED, kbSourceStatusSeed, seedKb } from './kb-seed';

const { uri } = testDatabaseUri();
let runtime: Runtime;

const BASE: SearchKbOptions = { sort: 'id', direction: 'asc', page: 1, pageSize: 100 };
const ids = async (options: Partial<SearchKbOptions>) => (await searchKb({ ...BASE, ...options })).items.map((item) => item.id);
const caller = () => createServerCaller(testContext({ runtime }));

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  await KbSourceStatusModel.insertMany(kbSourceStatusSeed());
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('searchKb', () => {
  it('lists every record, sorted and counted, with list fields only', async () => {
    const result = await searchKb({ ...BASE });
    expect(result.total).toBe(KB_SEED.length);
    expect(result.items.map((item) => item.id)).toEqual(KB_SEED.map((seed) => seed._id).sort());
    const heartbleed = result.items.find((item) => item.id === 'CVE-2014-0160')!;
    expect(heartbleed).toEqual({
      id: 'CVE-2014-0160',
      vglId: 'VGL-000002',
      aliases: ['DSA-2896-1'],
      title: 'OpenSSL Information Disclosure Vulnerability',
      severity: 'high',
      cvssScore: 7.5,
      cvssVersion: '3.1',
      epssScore: 0.94436,
      epssPercentile: 0.99985,
      kevListed: true,
      kevDueDate: '2022-05-25',
      kevRansomware: false,
      published: '2014-04-07T22:55:03.893Z',
      rejected: false,
      sources: ['debian-tracker', 'epss', 'kev', 'nvd'],
    });
    expect(result.items.find((item) => item.id === 'CVE-2021-45046')?.kevRansomware).toBe(true);
    expect(result.items.find((item) => item.id === 'CVE-2023-39324')).toMatchObject({ rejected: true, severity: 'unknown', cvssScore: null, epssScore: null });
  });

  it('finds a record by CVE id, Vigil id and alias, in any letter case', async () => {
    expect(await ids({ query: 'CVE-2024-6387' })).toEqual(['CVE-2024-6387']);
    expect(await ids({ query: 'cve-2024-6387' })).toEqual(['CVE-2024-6387']);
    expect(await ids({ query: 'VGL-000003' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'vgl-000003' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'GHSA-7rjr-3q55-vv33' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'ghsa-7RJR-3q55-VV33' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'GHSA-4rf6-qx84-q9fv' })).toEqual(['RUSTSEC-2026-0201']);
    expect(await ids({ query: 'RUSTSEC-2026-0201' })).toEqual(['RUSTSEC-2026-0201']);
    expect(await ids({ query: 'DSA-5724-1' })).toEqual(['CVE-2024-6387']);
    expect(await ids({ query: 'usn-6859-1' })).toEqual(['CVE-2024-6387']);
    expect(await ids({ query: '  CVE-2014-0160  ' })).toEqual(['CVE-2014-0160']);
    // A full id is an exact match, never a prefix.
    expect(await ids({ query: 'CVE-2014-0161' })).toEqual([]);
  });

  it('treats an incomplete CVE id as a prefix of the record id', async () => {
    expect(await ids({ query: 'CVE-2014' })).toEqual(['CVE-2014-0160', 'CVE-2014-6271']);
    expect(await ids({ query: 'cve-2023-' })).toEqual(['CVE-2023-38545', 'CVE-2023-39324', 'CVE-2023-4911']);
    expect(await ids({ query: 'CVE-2023-3' })).toEqual(['CVE-2023-38545', 'CVE-2023-39324']);
  });

  it('finds records by package or product name across ecosystems', async () => {
    // deb:openssh, apk:openssh and cpe:openbsd:openssh
    expect(await ids({ query: 'openssh' })).toEqual(['CVE-2016-0777', 'CVE-2024-6387']);
    expect(await ids({ query: 'OpenSSH' })).toEqual(['CVE-2016-0777', 'CVE-2024-6387']);
    // Maven artifact without its group, and the full coordinates.
    expect(await ids({ query: 'log4j-core' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'org.apache.logging.log4j:log4j-core' })).toEqual(['CVE-2021-45046']);
    // CPE product, vendor:product, and a distro source package.
    expect(await ids({ query: 'log4j' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'openbsd:openssh' })).toEqual(['CVE-2016-0777', 'CVE-2024-6387']);
    expect(await ids({ query: 'apache-log4j2' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'lodash' })).toEqual(['CVE-2020-8203']);
    expect(await ids({ query: 'fulgur' })).toEqual(['RUSTSEC-2026-0201']);
    expect(await ids({ query: 'curl' })).toEqual(['CVE-2023-38545']);
    // Names match whole package names, and regex characters are literal.
    expect(await ids({ query: 'ssh' })).toEqual([]);
    expect(await ids({ query: 'open.*' })).toEqual([]);
    expect(await ids({ query: 'go-yaml' })).toEqual([]);
  });

  it('narrows by ecosystem, alone or with a name', async () => {
    expect(await ids({ ecosystem: 'apk' })).toEqual(['CVE-2023-38545', 'CVE-2024-6387']);
    expect(await ids({ ecosystem: 'Maven' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'openssh', ecosystem: 'apk' })).toEqual(['CVE-2024-6387']);
    expect(await ids({ query: 'openssh', ecosystem: 'cpe' })).toEqual(['CVE-2016-0777', 'CVE-2024-6387']);
    expect(await ids({ query: 'log4j-core', ecosystem: 'npm' })).toEqual([]);
    expect(await ids({ query: 'CVE-2024-6387', ecosystem: 'npm' })).toEqual([]);
  });

  it('filters by severity, KEV, EPSS and publication date', async () => {
    expect(await ids({ severity: ['critical'] })).toEqual(['CVE-2014-6271', 'CVE-2021-45046', 'CVE-2023-38545']);
    expect(await ids({ severity: ['medium', 'unknown'] })).toEqual(['CVE-2016-0777', 'CVE-2023-39324']);
    expect(await ids({ severity: [] })).toHaveLength(KB_SEED.length);
    expect(await ids({ kev: true })).toEqual(['CVE-2014-0160', 'CVE-2014-6271', 'CVE-2021-45046', 'CVE-2023-4911']);
    expect(await ids({ kev: false })).toHaveLength(KB_SEED.length - 4);
    expect(await ids({ epssMin: 0.9 })).toEqual(['CVE-2014-0160', 'CVE-2014-6271', 'CVE-2021-45046']);
    expect(await ids({ epssMin: 0.7, epssMax: 0.8 })).toEqual(['CVE-2023-38545', 'CVE-2024-6387']);
    // Bounds are inclusive.
    expect(await ids({ epssMin: 0.94436, epssMax: 0.94436 })).toEqual(['CVE-2014-0160']);
    // Records without an EPSS score drop out of any EPSS range.
    expect(await ids({ epssMax: 0.05 })).toEqual(['CVE-2020-8203']);
    expect(await ids({ publishedFrom: '2023-10-03', publishedTo: '2023-10-18' })).toEqual(['CVE-2023-38545', 'CVE-2023-4911']);
    expect(await ids({ publishedFrom: '2024-01-01' })).toEqual(['CVE-2023-39324', 'CVE-2024-6387', 'RUSTSEC-2026-0201']);
    expect(await ids({ publishedTo: '2014-09-24' })).toEqual(['CVE-2014-0160', 'CVE-2014-6271']);
    // Combined: critical KEV with a very high EPSS, published since 2020.
    expect(await ids({ severity: ['critical', 'high'], kev: true, epssMin: 0.95, publishedFrom: '2020-01-01' })).toEqual(['CVE-2021-45046']);
    expect(await ids({ query: 'openssh', severity: ['medium'] })).toEqual(['CVE-2016-0777']);
  });

  it('sorts by every key in both directions, records without a value last when descending', async () => {
    expect(await ids({ sort: 'published', direction: 'desc' })).toEqual([
      'RUSTSEC-2026-0201',
      'CVE-2023-39324',
      'CVE-2024-6387',
      'CVE-2023-38545',
      'CVE-2023-4911',
      'CVE-2021-45046',
      'CVE-2020-8203',
      'CVE-2016-0777',
      'CVE-2014-6271',
      'CVE-2014-0160',
    ]);
    expect((await ids({ sort: 'published', direction: 'asc' }))[0]).toBe('CVE-2014-0160');
    const byCvss = await searchKb({ ...BASE, sort: 'cvss', direction: 'desc' });
    expect(byCvss.items.map((item) => item.cvssScore)).toEqual([9.8, 9.8, 9, 8.1, 7.8, 7.5, 7.5, 7.4, 6.5, null]);
    // Equal keys keep a stable order (by id).
    expect(byCvss.items.slice(0, 2).map((item) => item.id)).toEqual(['CVE-2014-6271', 'CVE-2023-38545']);
    const byEpss = await searchKb({ ...BASE, sort: 'epss', direction: 'desc' });
    expect(byEpss.items.map((item) => item.epssScore)).toEqual([0.99999, 0.99977, 0.94436, 0.81422, 0.78483, 0.73412, 0.63468, 0.01724, null, null]);
    expect((await searchKb({ ...BASE, sort: 'epss', direction: 'asc' })).items.map((item) => item.epssScore).slice(-1)).toEqual([0.99999]);
    expect(await ids({ sort: 'vgl', direction: 'desc', pageSize: 3 })).toEqual(['CVE-2016-0777', 'CVE-2014-6271', 'CVE-2023-39324']);
    expect(await ids({ sort: 'id', direction: 'desc', pageSize: 2 })).toEqual(['RUSTSEC-2026-0201', 'CVE-2024-6387']);
    expect(await ids({ sort: 'kev', direction: 'desc', pageSize: 4 })).toEqual(['CVE-2023-4911', 'CVE-2021-45046', 'CVE-2014-0160', 'CVE-2014-6271']);
  });

  it('pages on the server without overlap or gaps', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const result = await searchKb({ ...BASE, sort: 'cvss', direction: 'desc', page, pageSize: 4 });
      expect(result).toMatchObject({ total: KB_SEED.length, page, pageSize: 4 });
      expect(result.items).toHaveLength(page < 3 ? 4 : 2);
      seen.push(...result.items.map((item) => item.id));
    }
    expect(new Set(seen).size).toBe(KB_SEED.length);
    const beyond = await searchKb({ ...BASE, page: 9, pageSize: 4 });
    expect(beyond).toMatchObject({ items: [], total: KB_SEED.length, page: 9 });
    // The service caps the page size whatever it is given.
    expect((await searchKb({ ...BASE, pageSize: 5000 })).pageSize).toBe(100);
    const filtered = await searchKb({ ...BASE, kev: true, page: 2, pageSize: 3 });
    expect(filtered).toMatchObject({ total: 4, page: 2 });
    expect(filtered.items.map((item) => item.id)).toEqual(['CVE-2023-4911']);
  });
});

describe('getKbVulnerability', () => {
  it('returns the full record by id, Vigil id or alias', async () => {
    const record = await getKbVulnerability({ id: 'CVE-2024-6387' });
    expect(record).toMatchObject({
      id: 'CVE-2024-6387',
      vglId: 'VGL-000001',
      aliases: ['DSA-5724-1', 'USN-6859-1'],
      severity: 'high',
      cvssScore: 8.1,
      cvssVector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
      epss: { score: 0.73412, percentile: 0.98746, date: '2025-08-25', source: 'epss' },
      kev: null,
      cwes: ['CWE-362', 'CWE-364'],
      published: '2024-07-01T13:15:06.467Z',
      fieldSources: { title: 'nvd', cvss: 'nvd', epss: 'epss' },
      rejected: false,
    });
    expect(record.cvss).toHaveLength(2);
    expect(record.affected).toHaveLength(5);
    expect(record.affected.find((entry) => entry.distro === 'debian')).toEqual({
      ecosystem: 'deb',
      distro: 'debian',
      release: 'bookworm',
      package: 'openssh',
      sourcePackage: true,
      status: 'fixed',
      fixedVersion: '1:9.2p1-2+deb12u3',
      advisory: 'DSA-5724-1',
      source: 'debian-oval',
    });
    expect(record.alternatives.title).toHaveLength(2);
    expect(record.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    expect((await getKbVulnerability({ id: 'VGL-000002' })).id).toBe('CVE-2014-0160');
    expect((await getKbVulnerability({ id: 'vgl-000002' })).id).toBe('CVE-2014-0160');
    expect((await getKbVulnerability({ id: 'ghsa-p6mc-m468-83gw' })).id).toBe('CVE-2020-8203');
    expect((await getKbVulnerability({ id: 'DSA-5022-1' })).kev).toMatchObject({ dueDate: '2023-05-22', knownRansomwareCampaignUse: 'Known' });
  });

  it('is NOT_FOUND for unknown ids, CONFLICT for an alias of several records', async () => {
    await expect(getKbVulnerability({ id: 'CVE-1999-0001' })).rejects.toMatchObject({ name: 'AppError', code: 'NOT_FOUND', message: expect.stringContaining('CVE-1999-0001') });
    await expect(getKbVulnerability({ id: 'VGL-999999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { KbVulnerabilityModel } = await import('../../../../server/models/kb-vulnerability.model');
    await KbVulnerabilityModel.updateMany({ _id: { $in: ['CVE-2014-0160', 'CVE-2014-6271'] } }, { $addToSet: { aliases: 'DSA-9999-1' } });
    try {
      await expect(getKbVulnerability({ id: 'DSA-9999-1' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('CVE-2014-0160, CVE-2014-6271') });
      expect(await ids({ query: 'DSA-9999-1' })).toEqual(['CVE-2014-0160', 'CVE-2014-6271']);
    } finally {
      await KbVulnerabilityModel.updateMany({}, { $pull: { aliases: 'DSA-9999-1' } });
    }
  });
});

describe('kb procedures', () => {
  it('search applies defaults and returns the first page', async () => {
    const result = await caller().kb.search({});
    expect(result).toMatchObject({ total: KB_SEED.length, page: 1, pageSize: 25 });
    // Default order: newest publication first.
    expect(result.items[0]?.id).toBe('RUSTSEC-2026-0201');
    const kev = await caller().kb.search({ query: '  ', kev: true, sort: 'epss', direction: 'desc', pageSize: 2 });
    expect(kev.items.map((item) => item.id)).toEqual(['CVE-2014-6271', 'CVE-2021-45046']);
    expect(kev.total).toBe(4);
  });

  it('rejects invalid input with BAD_REQUEST and field errors', async () => {
    const invalid: unknown[] = [
      { pageSize: 101 },
      { pageSize: 0 },
      { page: 0 },
      { page: 1.5 },
      { page: 10_001 },
      { severity: ['severe'] },
      { severity: 'high' },
      { sort: 'title' },
      { direction: 'up' },
      { epssMin: -0.1 },
      { epssMax: 1.5 },
      { epssMin: 0.8, epssMax: 0.2 },
      { publishedFrom: '2024-13-01' },
      { publishedFrom: 'yesterday' },
      { publishedFrom: '2024-06-01', publishedTo: '2024-01-01' },
      { ecosystem: 'pip' },
      { kev: 'yes' },
      { query: 'x'.repeat(201) },
      { query: 'openssl\u0000' },
    ];
    for (const input of invalid) {
      expect(kbSearchInput.safeParse(input).success, JSON.stringify(input)).toBe(false);
      const error = await caller()
        .kb.search(input as never)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error, JSON.stringify(input)).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
    }
    expect(kbSearchInput.parse({ query: ' openssl ', severity: ['high'], epssMin: 0, epssMax: 1, publishedFrom: '2024-01-01', publishedTo: '2024-01-01' })).toMatchObject({
      query: 'openssl',
      sort: 'published',
      direction: 'desc',
      page: 1,
      pageSize: 25,
    });
    expect(kbSearchInput.parse({ query: '' }).query).toBeUndefined();
  });

  it('get maps NOT_FOUND and rejects malformed ids', async () => {
    expect((await caller().kb.get({ id: 'VGL-000005' })).id).toBe('CVE-2023-4911');
    await expect(caller().kb.get({ id: 'CVE-2000-0000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const id of ['', ' ', 'CVE 2024', '../etc/passwd', 'a'.repeat(201), '{"$ne":1}']) {
      await expect(caller().kb.get({ id }), id).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('sources lists every upstream source with its freshness', async () => {
    const stats = await caller().kb.sources();
    expect(stats.vulnerabilities).toBe(KB_SEED.length);
    expect(stats.kevListed).toBe(4);
    expect(stats.sources.map((s) => s.source)).toEqual(['nvd', 'kev', 'epss', 'osv', 'debian-oval', 'debian-tracker', 'alpine-secdb', 'ubuntu-oval', 'debian-tracker-json']);
    expect(stats.sources.find((s) => s.source === 'debian-oval')).toMatchObject({ records: 5680, lastProblems: 1, lastError: expect.stringContaining('bzip2') });
    expect(stats.sources.find((s) => s.source === 'nvd')?.ageHours).toBeCloseTo(3, 0);
    expect(stats.sources.find((s) => s.source === 'ubuntu-oval')).toMatchObject({ records: 0, lastImportAt: null, ageHours: null });
  });
});
