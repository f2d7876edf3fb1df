import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embaEpssImporter, firstEpssImporter } from '../../../../server/kb/importers/epss.importer';
import { isCalendarDate, kevImporter } from '../../../../server/kb/importers/kev.importer';
import { nvdImporter } from '../../../../server/kb/importers/nvd.importer';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import type { KbContribution, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';
import { collect } from '../../../helpers/kb-importers';

const KEV_FILE = fixture('kev', 'known_exploited_vulnerabilities.subset.json');


type RawEntry = Record<string, unknown>;
function realCatalog(): Record<string, unknown> & { vulnerabilities: RawEntry[] } {
  return JSON.parse(readFileSync(KEV_FILE, 'utf8')) as Record<string, unknown> & { vulnerabilities: RawEntry[] };
}

let contributions: KbContribution[] = [];
let problems: KbImportProblem[] = [];
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-kev-importer-'));
  const result = await collect(kevImporter, KEV_FILE);
  if (result.error) throw result.error;
  contributions = result.contributions;
  problems = result.problems;
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const byId = (id: string) => contributions.find((c) => c.key === id);

describe('kevImporter on the real KEV catalog (2025.08.25 subset)', () => {
  it('yields 827 contributions, one per entry, no duplicates, no problems', () => {
    expect(contributions).toHaveLength(827);
    expect(new Set(contributions.map((c) => c.key)).size).toBe(827);
    expect(problems).toEqual([]);
    expect(contributions[0]!.key).toBe('CVE-2025-43300');
    expect(contributions.at(-1)!.key).toBe('CVE-2019-8394');
    for (const c of contributions) {
      expect(c.source).toBe('kev');
      expect(c.recordId).toBe(c.key);
      expect(c.aliases).toEqual([c.key]);
      expect(c.title).toBe(c.kev!.vulnerabilityName);
      expect(isCalendarDate(c.kev!.dateAdded) && isCalendarDate(c.kev!.dueDate)).toBe(true);
    }
    expect(contributions.filter((c) => c.kev!.knownRansomwareCampaignUse === 'Known')).toHaveLength(183);
    // 88 real entries have "cwes": [] — no cwes on the contribution then.
    expect(contributions.filter((c) => !c.cwes)).toHaveLength(88);
  });

  it('reads CVE-2014-0160 field by field', () => {
    expect(byId('CVE-2014-0160')).toEqual({
      source: 'kev',
      recordId: 'CVE-2014-0160',
      key: 'CVE-2014-0160',
      aliases: ['CVE-2014-0160'],
      title: 'OpenSSL Information Disclosure Vulnerability',
      cwes: ['CWE-125'],
      references: [{ url: 'https://nvd.nist.gov/vuln/detail/CVE-2014-0160' }],
      kev: {
        dateAdded: '2022-05-04',
        dueDate: '2022-05-25',
        requiredAction: 'Apply updates per vendor instructions.',
        knownRansomwareCampaignUse: 'Unknown',
        vendorProject: 'OpenSSL',
        product: 'OpenSSL',
        vulnerabilityName: 'OpenSSL Information Disclosure Vulnerability',
        shortDescription: 'The TLS and DTLS implementations in OpenSSL do not properly handle Heartbeat Extension packets, which allows remote attackers to obtain sensitive information.',
        notes: 'https://nvd.nist.gov/vuln/detail/CVE-2014-0160',
      },
    });
  });

  it('reads CVE-2021-44228 (Log4Shell) with its three CWEs and ransomware use', () => {
    expect(byId('CVE-2021-44228')).toMatchObject({
      title: 'Apache Log4j2 Remote Code Execution Vulnerability',
      cwes: ['CWE-20', 'CWE-400', 'CWE-502'],
      kev: { dateAdded: '2021-12-10', dueDate: '2021-12-24', knownRansomwareCampaignUse: 'Known', vendorProject: 'Apache', product: 'Log4j2' },
    });
  });

  it('trims feed strings (real entries carry trailing spaces) and pulls the URLs out of free-text notes', () => {
    // Upstream: "vendorProject": "SimpleHelp ", notes mixing prose and URLs.
    expect(byId('CVE-2024-57727')!.kev!.vendorProject).toBe('SimpleHelp');
    expect(byId('CVE-2024-57727')!.references).toEqual([
      { url: 'https://simple-help.com/kb---security-vulnerabilities-01-2025' },
      { url: 'https://www.cisa.gov/news-events/cybersecurity-advisories/aa25-163a' },
      { url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-57727' },
    ]);
    // Upstream: shortDescription ends with ". ", notes end with six spaces and use ";" without a leading space.
    expect(byId('CVE-2025-22457')!.kev!.shortDescription).toMatch(/remote code execution\.$/);
    expect(byId('CVE-2025-3928')!.kev!.notes).toBe('https://documentation.commvault.com/securityadvisories/CV_2025_03_1.html;   https://www.commvault.com/blogs/notice-security-advisory-update;   https://nvd.nist.gov/vuln/detail/CVE-2025-3928');
    expect(byId('CVE-2025-3928')!.references!.map((r) => r.url)).toEqual([
      'https://documentation.commvault.com/securityadvisories/CV_2025_03_1.html',
      'https://www.commvault.com/blogs/notice-security-advisory-update',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-3928',
    ]);
    for (const c of contributions) {
      for (const value of Object.values(c.kev!)) expect(value).toBe(value.trim());
    }
  });
});

describe('kevImporter.detect', () => {
  it('claims the KEV catalog and nothing from the NVD, EPSS or OSV fixtures', async () => {
    expect(kevImporter.detect({ fileName: 'known_exploited_vulnerabilities.json', head: await readHead(KEV_FILE) })).toBe(true);
    const others = [
      ...readdirSync(fixture('nvd')).map((name) => fixture('nvd', name)),
      fixture('epss', 'epss_scores-2025-08-25.subset.csv'),
      ...readdirSync(fixture('osv'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .slice(0, 40)
        .map((e) => path.join(e.parentPath, e.name)),
    ];
    for (const file of others) expect(kevImporter.detect({ fileName: path.basename(file), head: await readHead(file) }), file).toBe(false);
  });

  it('is not claimed by the NVD or EPSS importers', async () => {
    const head = await readHead(KEV_FILE);
    for (const other of [nvdImporter, firstEpssImporter, embaEpssImporter]) expect(other.detect({ fileName: 'known_exploited_vulnerabilities.json', head }), other.format).toBe(false);
  });
});

describe('kevImporter on hostile input', () => {
  it('reads the gzip-compressed catalog the same way', async () => {
    const gz = path.join(tmp, 'known_exploited_vulnerabilities.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(KEV_FILE)));
    expect(kevImporter.detect({ fileName: 'known_exploited_vulnerabilities.json.gz', head: await readHead(gz) })).toBe(true);
    const result = await collect(kevImporter, gz);
    expect(result.error).toBeUndefined();
    expect(result.contributions).toEqual(contributions);
  });

  it('throws one error naming the file, with the position, for truncated JSON, and yields nothing from it', async () => {
    const file = path.join(tmp, 'known_exploited_vulnerabilities.json');
    writeFileSync(file, readFileSync(KEV_FILE).subarray(0, 100_000));
    expect(kevImporter.detect({ fileName: 'known_exploited_vulnerabilities.json', head: await readHead(file) })).toBe(true);
    const result = await collect(kevImporter, file);
    expect(result.contributions).toEqual([]);
    expect(result.error?.message).toMatch(/^known_exploited_vulnerabilities\.json: invalid JSON: .*(position|end of JSON input)/);
  });

  it('does not detect an HTML error page, and parsing one throws naming the file', async () => {
    const file = path.join(tmp, 'kev.json');
    writeFileSync(file, '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>');
    expect(kevImporter.detect({ fileName: 'kev.json', head: await readHead(file) })).toBe(false);
    expect((await collect(kevImporter, file)).error?.message).toMatch(/^kev\.json: invalid JSON: /);
  });

  it('refuses an NVD file with a clear error', async () => {
    const result = await collect(kevImporter, fixture('nvd', 'nvdcve-modified.2024-07-03.subset.json'));
    expect(result.error?.message).toBe('nvdcve-modified.2024-07-03.subset.json: not a CISA KEV catalog (expected an object with "catalogVersion" and a "vulnerabilities" array)');
  });

  it('throws a clear error for garbage behind a gzip magic number', async () => {
    const gz = path.join(tmp, 'known_exploited_vulnerabilities.json.gz');
    writeFileSync(gz, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(2000, 0xab)]));
    expect((await collect(kevImporter, gz)).error?.message).toMatch(/known_exploited_vulnerabilities\.json\.gz: cannot decompress \(gzip\)/);
  });

  it('reports and skips entries with an invalid CVE id or date, keeps the others, and reports a wrong count', async () => {
    const catalog = realCatalog();
    const entries = catalog.vulnerabilities.slice(0, 6).map((e) => structuredClone(e));
    entries[0]!.cveID = 'CVE-2025-433';
    entries[1]!.dateAdded = '2025-02-30';
    entries[2]!.dueDate = '2025/09/11';
    entries[3]!.requiredAction = undefined;
    entries.push(structuredClone(entries[5]!));
    entries.push('not an object' as unknown as RawEntry);
    const file = path.join(tmp, 'bad-entries.json');
    writeFileSync(file, JSON.stringify({ ...catalog, vulnerabilities: entries }));
    const result = await collect(kevImporter, file);
    expect(result.error).toBeUndefined();
    expect(result.contributions.map((c) => c.key)).toEqual([catalog.vulnerabilities[4]!.cveID, catalog.vulnerabilities[5]!.cveID]);
    expect(result.contributions[0]).toEqual(byId(catalog.vulnerabilities[4]!.cveID as string));
    expect(result.problems).toEqual([
      { file: 'bad-entries.json', message: 'catalog says count 827 but lists 8 entries' },
      { file: 'bad-entries.json', record: 'CVE-2025-433', message: 'invalid cveID "CVE-2025-433"; entry skipped' },
      { file: 'bad-entries.json', record: catalog.vulnerabilities[1]!.cveID, message: 'invalid dateAdded "2025-02-30" (expected YYYY-MM-DD); entry skipped' },
      { file: 'bad-entries.json', record: catalog.vulnerabilities[2]!.cveID, message: 'invalid dueDate "2025/09/11" (expected YYYY-MM-DD); entry skipped' },
      { file: 'bad-entries.json', record: catalog.vulnerabilities[3]!.cveID, message: 'missing requiredAction; entry skipped' },
      { file: 'bad-entries.json', record: catalog.vulnerabilities[5]!.cveID, message: 'CVE listed twice in the catalog; the later entry was skipped' },
      { file: 'bad-entries.json', record: 'vulnerabilities[7]', message: 'entry is not an object; skipped' },
    ]);
  });

  it('caps a 100k-character shortDescription at 64 KiB', async () => {
    const catalog = realCatalog();
    const entry = structuredClone(catalog.vulnerabilities[0]!);
    entry.shortDescription = 'x'.repeat(100_000);
    const file = path.join(tmp, 'long.json');
    writeFileSync(file, JSON.stringify({ ...catalog, count: 1, vulnerabilities: [entry] }));
    const result = await collect(kevImporter, file);
    expect(result.problems).toEqual([]);
    const description = result.contributions[0]!.kev!.shortDescription!;
    expect(Buffer.byteLength(description)).toBeLessThanOrEqual(64 * 1024);
    expect(description.endsWith('…')).toBe(true);
  });

  it('validates real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('2025-8-25')).toBe(false);
    expect(isCalendarDate('2025-08-25T00:00:00Z')).toBe(false);
  });
});
