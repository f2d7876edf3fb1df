import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embaEpssImporter, firstEpssImporter } from '../../../../server/kb/importers/epss.importer';
import { kevImporter } from '../../../../server/kb/importers/kev.importer';
import { nvdImporter, splitCpe23 } from '../../../../server/kb/importers/nvd.importer';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import type { KbContribution, KbImporter, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';

const NVD_DIR = fixture('nvd');
const NVD_FILES = readdirSync(NVD_DIR)
  .filter((name) => name.startsWith('nvdcve-'))
  .sort();

async function collect(importer: KbImporter, filePath: string, fileName = path.basename(filePath)) {
  const contributions: KbContribution[] = [];
  const problems: KbImportProblem[] = [];
  for await (const contribution of importer.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(contribution);
  return { contributions, problems };
}

/** Runs the importer and returns what it yielded before the error, plus the error. */
async function collectUntilError(importer: KbImporter, filePath: string, fileName = path.basename(filePath)) {
  const contributions: KbContribution[] = [];
  const problems: KbImportProblem[] = [];
  try {
    for await (const contribution of importer.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(contribution);
  } catch (error) {
    return { contributions, problems, error: error as Error };
  }
  return { contributions, problems, error: undefined };
}

/** A real NVD file's envelope and records, for building hostile variants of real data. */
function realNvd(name: string): { envelope: Record<string, unknown>; records: { cve: Record<string, unknown> }[] } {
  const parsed = JSON.parse(readFileSync(path.join(NVD_DIR, name), 'utf8')) as Record<string, unknown> & { vulnerabilities: { cve: Record<string, unknown> }[] };
  const { vulnerabilities, ...envelope } = parsed;
  return { envelope, records: vulnerabilities };
}

function realRecord(file: string, id: string): { cve: Record<string, unknown> } {
  const record = realNvd(file).records.find((r) => r.cve.id === id);
  if (!record) throw new Error(`${id} not in ${file}`);
  return structuredClone(record);
}

function nvdDocument(records: unknown[]): string {
  return JSON.stringify({ resultsPerPage: records.length, startIndex: 0, totalResults: records.length, format: 'NVD_CVE', version: '2.0', timestamp: '2024-07-18T10:15:03.000', vulnerabilities: records });
}

const all: KbContribution[] = [];
const perFile = new Map<string, KbContribution[]>();
const allProblems: KbImportProblem[] = [];
const byId = new Map<string, KbContribution>();
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-nvd-importer-'));
  for (const name of NVD_FILES) {
    const { contributions, problems } = await collect(nvdImporter, path.join(NVD_DIR, name));
    perFile.set(name, contributions);
    all.push(...contributions);
    allProblems.push(...problems);
  }
  for (const c of all) byId.set(c.key, c);
}, 60_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('nvdImporter on the real NVD fixtures', () => {
  it('yields 1500 contributions from the 29 files, one per CVE, with no problems', () => {
    expect(NVD_FILES).toHaveLength(29);
    expect(all).toHaveLength(1500);
    expect(allProblems).toEqual([]);
    // De-duplicated: no CVE appears in more than one fixture file (year files and modified
    // feeds were subset disjointly), so 1500 distinct CVE ids.
    expect(new Set(all.map((c) => c.key)).size).toBe(1500);
  });

  it('yields exactly the records each file declares (MANIFEST records = totalResults)', () => {
    const manifest = JSON.parse(readFileSync(path.join(NVD_DIR, 'MANIFEST.json'), 'utf8')) as { files: { file: string; records: number }[] };
    for (const entry of manifest.files) {
      const name = path.basename(entry.file);
      const declared = (JSON.parse(readFileSync(path.join(NVD_DIR, name), 'utf8')) as { totalResults: number }).totalResults;
      expect(perFile.get(name)?.length, name).toBe(entry.records);
      expect(entry.records, name).toBe(declared);
    }
  });

  it('keeps every vulnStatus, and marks exactly the Rejected ones rejected', () => {
    const counts: Record<string, number> = {};
    for (const c of all) counts[c.status ?? '(none)'] = (counts[c.status ?? '(none)'] ?? 0) + 1;
    expect(counts).toEqual({ Modified: 901, Analyzed: 466, 'Awaiting Analysis': 42, Received: 29, Deferred: 26, Rejected: 18, 'Undergoing Analysis': 18 });
    expect(all.filter((c) => c.rejected).map((c) => c.status)).toEqual(Array(18).fill('Rejected'));
    expect(all.filter((c) => !c.rejected).every((c) => c.rejected === false)).toBe(true);
  });

  it('gives every contribution the NVD shape: source, key = recordId = CVE id, aliases, ISO dates', () => {
    for (const c of all) {
      expect(c.source).toBe('nvd');
      expect(c.key).toMatch(/^CVE-\d{4}-\d{4,}$/);
      expect(c.recordId).toBe(c.key);
      expect(c.aliases).toEqual([c.key]);
      expect(c.published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(c.modified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(c.description).toBeTruthy();
      expect(c.description).toBe(c.description!.trim());
      for (const cwe of c.cwes ?? []) expect(cwe).toMatch(/^CWE-\d+$/);
    }
    const versions = new Set(all.flatMap((c) => (c.cvss ?? []).map((s) => s.version)));
    expect([...versions].sort()).toEqual(['2.0', '3.0', '3.1', '4.0']);
    expect(all.filter((c) => c.cvss?.some((s) => s.version === '4.0'))).toHaveLength(60);
  });

  it('reads CVE-2024-6387 (regreSSHion) field by field', () => {
    const c = byId.get('CVE-2024-6387')!;
    expect(perFile.get('nvdcve-modified.2024-07-18.subset.json')).toContain(c);
    expect(c).toMatchObject({
      source: 'nvd',
      recordId: 'CVE-2024-6387',
      key: 'CVE-2024-6387',
      aliases: ['CVE-2024-6387'],
      published: '2024-07-01T13:15:06.467Z',
      modified: '2024-07-17T05:15:10.997Z',
      status: 'Modified',
      rejected: false,
      cwes: ['CWE-362', 'CWE-364'],
    });
    expect(c.description).toMatch(/^A security regression \(CVE-2006-5051\) was discovered in OpenSSH's server \(sshd\)\./);
    expect(c.cvss).toEqual([
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.1, severity: 'HIGH', scoredBy: 'nvd@nist.gov', type: 'Primary' },
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 8.1, severity: 'HIGH', scoredBy: 'secalert@redhat.com', type: 'Secondary' },
    ]);
    const openssh = c.affected!.filter((a) => a.package === 'openbsd:openssh');
    expect(openssh).toEqual([
      { ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ fixed: '4.4' }] },
      { ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ introduced: '8.6', fixed: '9.8' }] },
      { ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:4.4:-:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '4.4', lastAffected: '4.4' }] },
      { ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '8.5', lastAffected: '8.5' }] },
      { ecosystem: 'cpe', package: 'openbsd:openssh', cpe: 'cpe:2.3:a:openbsd:openssh:9.8:-:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '9.8', lastAffected: '9.8' }] },
    ]);
    expect(c.affected).toContainEqual({ ecosystem: 'cpe', package: 'debian:debian_linux', cpe: 'cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '12.0', lastAffected: '12.0' }] });
    expect(c.references!.length).toBeGreaterThan(50);
    expect(c.references).toContainEqual({ url: 'http://www.openwall.com/lists/oss-security/2024/07/03/1', tags: ['Mailing List'] });
  });

  it('reads CVE-2014-0160 (Heartbleed): CVSS 2.0 + 3.1, OpenSSL range, platform matches kept as vulnerable:false', () => {
    const c = byId.get('CVE-2014-0160')!;
    expect(perFile.get('nvdcve-2014.subset.json')).toContain(c);
    expect(c).toMatchObject({ published: '2014-04-07T22:55:03.893Z', modified: '2024-07-02T16:52:39.560Z', status: 'Analyzed', rejected: false, cwes: ['CWE-125'] });
    expect(c.description).toMatch(/Heartbleed bug\.$/);
    expect(c.cvss).toEqual([
      { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N', baseScore: 5, severity: 'MEDIUM', scoredBy: 'nvd@nist.gov', type: 'Primary' },
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', baseScore: 7.5, severity: 'HIGH', scoredBy: 'nvd@nist.gov', type: 'Primary' },
    ]);
    expect(c.affected![0]).toEqual({ ecosystem: 'cpe', package: 'openssl:openssl', cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ introduced: '1.0.1', fixed: '1.0.1g' }] });
    // Siemens firmware is vulnerable only on its hardware: the hardware CPE is a platform condition.
    expect(c.affected).toContainEqual({ ecosystem: 'cpe', package: 'siemens:cp_1543-1', cpe: 'cpe:2.3:h:siemens:cp_1543-1:-:*:*:*:*:*:*:*', vulnerable: false, status: 'unfixed' });
    // NVD lists some URLs once per submitting source; they are merged into one reference.
    const urls = c.references!.map((r) => r.url);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('maps versionEndIncluding to lastAffected and versionStartExcluding to an exclusive introduced bound', () => {
    expect(byId.get('CVE-2010-5298')!.affected![0]).toEqual({ ecosystem: 'cpe', package: 'openssl:openssl', cpe: 'cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ lastAffected: '1.0.1g' }] });
    expect(byId.get('CVE-2010-5298')!.affected![1]).toMatchObject({ package: 'mariadb:mariadb', status: 'fixed', ranges: [{ introduced: '10.0.0', fixed: '10.0.13' }] });
    expect(byId.get('CVE-2014-0196')!.affected![0]).toEqual({ ecosystem: 'cpe', package: 'linux:linux_kernel', cpe: 'cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ introduced: '2.6.31', introducedExclusive: true, fixed: '3.2.59' }] });
  });

  it('handles CPE 2.3 quoting: escaped colons stay inside the product, versions are unquoted', () => {
    expect(byId.get('CVE-2007-3409')!.affected![0]).toEqual({ ecosystem: 'cpe', package: 'net-dns:net\\:\\:dns', cpe: 'cpe:2.3:a:net-dns:net\\:\\:dns:*:*:*:*:*:*:*:*', vulnerable: true, status: 'fixed', ranges: [{ fixed: '0.60' }] });
    expect(byId.get('CVE-2004-0079')!.affected).toContainEqual({ ecosystem: 'cpe', package: 'cisco:ios', cpe: 'cpe:2.3:o:cisco:ios:12.1\\(11\\)e:*:*:*:*:*:*:*', vulnerable: true, status: 'unfixed', ranges: [{ introduced: '12.1(11)e', lastAffected: '12.1(11)e' }] });
    expect(splitCpe23('cpe:2.3:a:net-dns:net\\:\\:dns:0.59:*:*:*:*:*:*:*')?.slice(3, 6)).toEqual(['net-dns', 'net\\:\\:dns', '0.59']);
    expect(splitCpe23('cpe:/a:openbsd:openssh:9.8')).toBeNull();
  });

  it('reads a CVSS v4.0 record (CVE-2024-5217, scored by the CNA only)', () => {
    const c = byId.get('CVE-2024-5217')!;
    expect(c).toMatchObject({ status: 'Awaiting Analysis', rejected: false, cwes: ['CWE-184'], published: '2024-07-10T17:15:12.373Z' });
    expect(c.cvss).toEqual([
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'CRITICAL', scoredBy: 'psirt@servicenow.com', type: 'Secondary' },
      {
        version: '4.0',
        vector: 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X',
        baseScore: 9.2,
        severity: 'CRITICAL',
        scoredBy: 'psirt@servicenow.com',
        type: 'Secondary',
      },
    ]);
    expect(c.affected).toBeUndefined();
  });

  it('marks Rejected CVEs rejected (CVE-2023-39324, CVE-1999-0335 filed in the 2002 year file)', () => {
    expect(byId.get('CVE-2023-39324')).toEqual({
      source: 'nvd',
      recordId: 'CVE-2023-39324',
      key: 'CVE-2023-39324',
      aliases: ['CVE-2023-39324'],
      published: '2024-07-02T17:15:04.737Z',
      modified: '2024-07-02T17:15:04.737Z',
      description: 'Rejected reason: reserved but not needed',
      status: 'Rejected',
      rejected: true,
    });
    // vulnz groups CVEs published before 2002 into nvdcve-2002.
    expect(perFile.get('nvdcve-2002.subset.json')!.find((c) => c.key === 'CVE-1999-0335')).toMatchObject({ rejected: true, published: '1996-08-01T04:00:00.000Z' });
  });

  it('skips the NVD-CWE-Other / NVD-CWE-noinfo placeholders', () => {
    expect(byId.get('CVE-1999-0050')!.cwes).toBeUndefined();
    expect(all.some((c) => c.cwes?.some((cwe) => cwe.startsWith('NVD-')))).toBe(false);
  });
});

describe('nvdImporter.detect', () => {
  it('claims every NVD fixture file and no KEV, EPSS or OSV file', async () => {
    for (const name of NVD_FILES) expect(nvdImporter.detect({ fileName: name, head: await readHead(path.join(NVD_DIR, name)) }), name).toBe(true);
    for (const other of [fixture('kev', 'known_exploited_vulnerabilities.subset.json'), fixture('epss', 'epss_scores-2025-08-25.subset.csv'), fixture('nvd', 'MANIFEST.json')]) {
      expect(nvdImporter.detect({ fileName: path.basename(other), head: await readHead(other) }), other).toBe(false);
    }
    const osvDir = fixture('osv');
    const osvFiles = readdirSync(osvDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.json'));
    expect(osvFiles.length).toBeGreaterThan(0);
    for (const entry of osvFiles.slice(0, 40)) {
      const file = path.join(entry.parentPath, entry.name);
      expect(nvdImporter.detect({ fileName: entry.name, head: await readHead(file) }), file).toBe(false);
    }
  });

  it('is not claimed by the KEV or EPSS importers', async () => {
    for (const name of NVD_FILES) {
      const head = await readHead(path.join(NVD_DIR, name));
      for (const other of [kevImporter, firstEpssImporter, embaEpssImporter]) expect(other.detect({ fileName: name, head }), `${other.format} ${name}`).toBe(false);
    }
  });

  it('accepts the pretty-printed envelope ("format" : "NVD_CVE")', () => {
    expect(nvdImporter.detect({ fileName: 'x.json', head: '{\n  "resultsPerPage" : 2000,\n  "format" : "NVD_CVE",\n  "version" : "2.0",\n  "vulnerabilities" : [ {' })).toBe(true);
  });
});

describe('nvdImporter on hostile input', () => {
  it('reads a gzip-compressed year file the same as the plain one', async () => {
    const gz = path.join(tmp, 'nvdcve-2014.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(path.join(NVD_DIR, 'nvdcve-2014.subset.json'))));
    const { contributions, problems } = await collect(nvdImporter, gz);
    expect(problems).toEqual([]);
    expect(contributions).toEqual(perFile.get('nvdcve-2014.subset.json'));
  });

  it('throws one error naming the file for truncated JSON, after yielding the complete records before the cut', async () => {
    const file = path.join(tmp, 'nvdcve-2014.json');
    writeFileSync(file, readFileSync(path.join(NVD_DIR, 'nvdcve-2014.subset.json')).subarray(0, 200_000));
    const { contributions, error } = await collectUntilError(nvdImporter, file);
    expect(error?.message).toMatch(/^nvdcve-2014\.json: invalid JSON at position 200000 \(end of input: the file is truncated\)/);
    expect(contributions.length).toBeGreaterThan(0);
    expect(contributions.length).toBeLessThan(perFile.get('nvdcve-2014.subset.json')!.length);
  });

  it('throws naming the file for a truncated gzip stream', async () => {
    const gz = path.join(tmp, 'nvdcve-modified.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(path.join(NVD_DIR, 'nvdcve-2016.subset.json'))).subarray(0, 40_000));
    const { error } = await collectUntilError(nvdImporter, gz);
    expect(error?.message).toMatch(/nvdcve-modified\.json\.gz: cannot decompress \(gzip\)/);
  });

  it('throws a clear error for garbage behind a gzip magic number', async () => {
    const gz = path.join(tmp, 'nvdcve-2024.json.gz');
    writeFileSync(gz, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('this is not deflate data at all, just text '.repeat(50))]));
    expect(await readHead(gz)).toBe('');
    expect(nvdImporter.detect({ fileName: 'nvdcve-2024.json.gz', head: '' })).toBe(false);
    const { error } = await collectUntilError(nvdImporter, gz);
    expect(error?.message).toMatch(/nvdcve-2024\.json\.gz: cannot decompress \(gzip\)/);
  });

  it('streams a gzip bomb-ish file (32 MiB of whitespace in 32 KiB) and fails clearly without buffering it', async () => {
    const gz = path.join(tmp, 'nvdcve-bomb.json.gz');
    writeFileSync(gz, gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20), { level: 9 }));
    const { error } = await collectUntilError(nvdImporter, gz);
    expect(error?.message).toMatch(/^nvdcve-bomb\.json\.gz: invalid JSON at position 33554432 \(end of input/);
  }, 30_000);

  it('does not detect an HTML error page, and parsing one throws naming the file', async () => {
    const file = path.join(tmp, 'nvdcve-2025.json');
    writeFileSync(file, '<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>\n');
    expect(nvdImporter.detect({ fileName: 'nvdcve-2025.json', head: await readHead(file) })).toBe(false);
    const { contributions, error } = await collectUntilError(nvdImporter, file);
    expect(contributions).toEqual([]);
    expect(error?.message).toMatch(/^nvdcve-2025\.json: invalid JSON at position 0–\d+: parser cannot parse input: expected a value$/);
  });

  it('refuses other JSON (the KEV catalog, a top-level array, an unknown API version) with a clear error', async () => {
    const kev = fixture('kev', 'known_exploited_vulnerabilities.subset.json');
    expect((await collectUntilError(nvdImporter, kev)).error?.message).toBe('known_exploited_vulnerabilities.subset.json: not an NVD CVE API 2.0 response: "format" is missing (expected "NVD_CVE" before "vulnerabilities")');
    const array = path.join(tmp, 'array.json');
    writeFileSync(array, '[{"cve":{"id":"CVE-2024-6387"}}]');
    expect((await collectUntilError(nvdImporter, array)).error?.message).toBe('array.json: not an NVD CVE API 2.0 response: the JSON document is not an object');
    const v1 = path.join(tmp, 'v1.json');
    writeFileSync(v1, nvdDocument([]).replace('"version":"2.0"', '"version":"1.1"'));
    expect((await collectUntilError(nvdImporter, v1)).error?.message).toBe('v1.json: unsupported NVD API version "1.1" (expected 2.x)');
    const noArray = path.join(tmp, 'noarray.json');
    writeFileSync(noArray, '{"format":"NVD_CVE","version":"2.0","vulnerabilities":{"cve":{}}}');
    expect((await collectUntilError(nvdImporter, noArray)).error?.message).toBe('noarray.json: not an NVD CVE API 2.0 response: "vulnerabilities" is not an array');
  });

  it('reports and skips records with an invalid CVE id or date, and keeps the others', async () => {
    const good = realRecord('nvdcve-modified.2024-07-18.subset.json', 'CVE-2024-6387');
    const badId = realRecord('nvdcve-2014.subset.json', 'CVE-2014-0160');
    badId.cve.id = 'CVE-14-0160';
    const badDate = realRecord('nvdcve-2014.subset.json', 'CVE-2010-5298');
    badDate.cve.published = '2014-02-30T22:38:08.590';
    const noCve = { notACve: true };
    const file = path.join(tmp, 'mixed.json');
    writeFileSync(file, nvdDocument([badId, good, badDate, noCve, structuredClone(good)]));
    const { contributions, problems } = await collect(nvdImporter, file);
    expect(contributions.map((c) => c.key)).toEqual(['CVE-2024-6387']);
    expect(contributions[0]).toEqual(byId.get('CVE-2024-6387'));
    expect(problems).toEqual([
      { file: 'mixed.json', record: 'CVE-14-0160', message: 'invalid CVE id "CVE-14-0160"; record skipped' },
      { file: 'mixed.json', record: 'CVE-2010-5298', message: 'invalid published "2014-02-30T22:38:08.590"; record skipped' },
      { file: 'mixed.json', record: 'vulnerabilities[3]', message: 'element has no "cve" object; record skipped' },
      { file: 'mixed.json', record: 'CVE-2024-6387', message: 'CVE listed twice in this file; the later entry was skipped' },
    ]);
  });

  it('drops a bad CVSS metric or cpeMatch with a problem but keeps the rest of the record', async () => {
    const record = realRecord('nvdcve-2014.subset.json', 'CVE-2014-0160');
    const metrics = record.cve.metrics as { cvssMetricV31: { cvssData: { baseScore: unknown } }[] };
    metrics.cvssMetricV31[0]!.cvssData.baseScore = 'ten';
    const configurations = record.cve.configurations as { nodes: { cpeMatch: { criteria: string }[] }[] }[];
    configurations[0]!.nodes[0]!.cpeMatch[0]!.criteria = 'cpe:/a:openssl:openssl';
    const file = path.join(tmp, 'parts.json');
    writeFileSync(file, nvdDocument([record]));
    const { contributions, problems } = await collect(nvdImporter, file);
    expect(contributions).toHaveLength(1);
    expect(contributions[0]!.cvss?.map((s) => s.version)).toEqual(['2.0']);
    expect(contributions[0]!.affected?.some((a) => a.package === 'openssl:openssl')).toBe(false);
    expect(contributions[0]!.affected!.length).toBe(byId.get('CVE-2014-0160')!.affected!.length - 1);
    expect(problems).toEqual([
      { file: 'parts.json', record: 'CVE-2014-0160', message: 'cvssMetricV31[0]: baseScore "ten" is not a number in [0,10]; metric skipped' },
      { file: 'parts.json', record: 'CVE-2014-0160', message: 'configurations[0].nodes[0].cpeMatch[0]: criteria "cpe:/a:openssl:openssl" is not a CPE 2.3 string; skipped' },
    ]);
  });

  it('caps a 100k-character description at 64 KiB and trims feed strings', async () => {
    const record = realRecord('nvdcve-modified.2024-07-18.subset.json', 'CVE-2024-6387');
    record.cve.descriptions = [
      { lang: 'es', value: 'no' },
      { lang: 'en', value: `   ${'é'.repeat(100_000)}  ` },
    ];
    record.cve.id = '  CVE-2024-6387 ';
    const file = path.join(tmp, 'long.json');
    writeFileSync(file, nvdDocument([record]));
    const { contributions, problems } = await collect(nvdImporter, file);
    expect(problems).toEqual([]);
    const description = contributions[0]!.description!;
    expect(contributions[0]!.key).toBe('CVE-2024-6387');
    expect(Buffer.byteLength(description, 'utf8')).toBeLessThanOrEqual(64 * 1024);
    expect(description.startsWith('éé')).toBe(true);
    expect(description.endsWith('…')).toBe(true);
    expect(description).not.toContain('\uFFFD');
  });
});
