import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import { mapOsvEcosystem, osvJsonImporter, osvRecordToContributions, osvYamlImporter } from '../../../../server/kb/importers/osv.importer';
import type { KbContribution, KbImporter, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';

async function collect(importer: KbImporter, filePath: string, fileName = path.basename(filePath)) {
  const contributions: KbContribution[] = [];
  const problems: KbImportProblem[] = [];
  for await (const c of importer.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(c);
  return { contributions, problems };
}

const importerFor = (file: string) => (/\.ya?ml$/.test(file) ? osvYamlImporter : osvJsonImporter);
const osv = (...parts: string[]) => fixture('osv', ...parts);
const parseFixture = (...parts: string[]) => collect(importerFor(parts[parts.length - 1]!), osv(...parts));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-osv-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function tmpFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

describe('OSV fixtures: every record parses', () => {
  const files = walk(fixture('osv')).filter((f) => path.basename(f) !== 'MANIFEST.json');

  it('detects each of the 525 files with the right importer, and only that one', { timeout: 60_000 }, async () => {
    expect(files).toHaveLength(525);
    const claimed = { json: 0, yaml: 0 };
    for (const file of files) {
      const sample = { fileName: path.basename(file), head: await readHead(file) };
      const json = osvJsonImporter.detect(sample);
      const yaml = osvYamlImporter.detect(sample);
      expect(json !== yaml, file).toBe(true);
      if (json) claimed.json++;
      else claimed.yaml++;
    }
    expect(claimed).toEqual({ json: 425, yaml: 100 });
  });

  it('yields at least one contribution per record, without problems, with unique record ids', { timeout: 60_000 }, async () => {
    const all: KbContribution[] = [];
    const problems: KbImportProblem[] = [];
    for (const file of files) {
      const result = await collect(importerFor(file), file);
      expect(result.contributions.length, file).toBeGreaterThanOrEqual(1);
      all.push(...result.contributions);
      problems.push(...result.problems);
    }
    console.log(`OSV fixtures: ${files.length} records → ${all.length} contributions, ${new Set(all.map((c) => c.key)).size} keys`);
    expect(problems).toEqual([]);
    // Multi-CVE records (RustSec, AlmaLinux errata, DTSA) split into one contribution per CVE.
    expect(all.length).toBe(655);
    expect(new Set(all.map((c) => c.recordId)).size).toBe(all.length);
    for (const c of all) {
      expect(c.source).toBe('osv');
      expect(c.aliases).toContain(c.key);
      for (const entry of c.cvss ?? []) expect(Number.isFinite(entry.baseScore)).toBe(true);
      if (c.description) expect(Buffer.byteLength(c.description)).toBeLessThanOrEqual(64 * 1024);
    }
    // Keyed on the CVE whenever the record names one.
    expect(all.filter((c) => c.key.startsWith('CVE-')).length).toBe(583);
  });
});

describe('OSV fixtures: specific records', () => {
  it('GHSA for npm (vite): key CVE, three ECOSYSTEM ranges, CWE, CVSS computed', async () => {
    // GitHub writes npm ranges as ECOSYSTEM (semver semantics); SEMVER-typed ranges are covered
    // by the Go, RustSec and Bitnami records below.
    const { contributions, problems } = await parseFixture('samples-via-vuls-data-update', 'GHSA-92r3-m2mg-pj97.json');
    expect(problems).toEqual([]);
    expect(contributions).toHaveLength(1);
    const c = contributions[0]!;
    expect(c).toMatchObject({
      source: 'osv',
      recordId: 'GHSA-92r3-m2mg-pj97',
      key: 'CVE-2023-49293',
      aliases: ['GHSA-92r3-m2mg-pj97', 'CVE-2023-49293'],
      title: 'Vite XSS vulnerability in `server.transformIndexHtml` via URL payload',
      cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', baseScore: 6.1, severity: 'MEDIUM' }],
      cwes: ['CWE-79'],
      published: '2023-12-05T23:31:34Z',
      modified: '2023-12-05T23:31:34Z',
      rejected: false,
    });
    expect(c.description).toMatch(/^### Summary\nWhen Vite's HTML transformation/);
    expect(c.references).toContainEqual({ url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-49293', tags: ['ADVISORY'] });
    expect(c.affected).toEqual([
      { ecosystem: 'npm', package: 'vite', status: 'fixed', fixedVersion: '4.4.12', ranges: [{ introduced: '4.4.0', fixed: '4.4.12' }], advisory: 'GHSA-92r3-m2mg-pj97' },
      { ecosystem: 'npm', package: 'vite', status: 'fixed', fixedVersion: '4.5.1', ranges: [{ introduced: '4.5.0', fixed: '4.5.1' }], versions: ['4.5.0'], advisory: 'GHSA-92r3-m2mg-pj97' },
      { ecosystem: 'npm', package: 'vite', status: 'fixed', fixedVersion: '5.0.5', ranges: [{ introduced: '5.0.0', fixed: '5.0.5' }], advisory: 'GHSA-92r3-m2mg-pj97' },
    ]);
  });

  it('PyPA YAML record (PYSEC-2020-342): unfixed open range, enumerated versions, unquoted timestamps kept as text', async () => {
    const { contributions, problems } = await parseFixture('pypi', 'vulns', 'apache-skywalking', 'PYSEC-2020-342.yaml');
    expect(problems).toEqual([]);
    expect(contributions).toHaveLength(1);
    const c = contributions[0]!;
    expect(c).toMatchObject({
      recordId: 'PYSEC-2020-342',
      key: 'CVE-2020-13921',
      aliases: ['PYSEC-2020-342', 'CVE-2020-13921'],
      published: '2020-08-05T14:15:00Z',
      modified: '2023-11-07T20:24:23.946863Z',
      cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'CRITICAL' }],
    });
    expect(c.title).toBeUndefined(); // the record has no summary
    expect(c.description).toMatch(/^\*\*Resolved\*\* Only when using H2\/MySQL\/TiDB/);
    expect(c.affected).toEqual([
      {
        ecosystem: 'PyPI',
        package: 'apache-skywalking',
        status: 'unfixed',
        ranges: [{ introduced: '0' }],
        versions: ['0.1.0', '0.2.0', '0.3.0', '0.4.0', '0.5.0', '0.6.0', '0.7.0', '0.8.0', '1.0.0', '1.0.1'],
        advisory: 'PYSEC-2020-342',
      },
    ]);
    // Same URL twice with two types: one reference, both tags.
    expect(c.references).toContainEqual({ url: 'http://www.openwall.com/lists/oss-security/2020/08/05/3', tags: ['ARTICLE', 'WEB'] });
  });

  it('Go vuln (GO-2026-4335): several SEMVER intervals, no single fixed version; zero-time dates dropped', async () => {
    const { contributions } = await parseFixture('go', 'data', 'osv', 'GO-2026-4335.json');
    expect(contributions).toHaveLength(1);
    const c = contributions[0]!;
    expect(c).toMatchObject({ recordId: 'GO-2026-4335', key: 'CVE-2026-23518', aliases: ['GO-2026-4335', 'CVE-2026-23518', 'GHSA-63m5-974w-448v'] });
    // golang/vulndb's data/osv carries 0001-01-01T00:00:00Z (Go's zero time) until publication.
    expect(c.published).toBeUndefined();
    expect(c.modified).toBeUndefined();
    expect(c.affected).toEqual([
      {
        ecosystem: 'Go',
        package: 'github.com/fleetdm/fleet/v4',
        status: 'fixed',
        ranges: [
          { introduced: '4.75.0', fixed: '4.75.2' },
          { introduced: '4.76.0', fixed: '4.76.2' },
          { introduced: '4.77.0', fixed: '4.77.1' },
          { introduced: '4.78.0', fixed: '4.78.3' },
        ],
        advisory: 'GO-2026-4335',
      },
    ]);
  });

  it('withdrawn Go record (GO-2026-6173): rejected, status withdrawn, open range', async () => {
    const { contributions } = await parseFixture('go', 'data', 'osv', 'GO-2026-6173.json');
    expect(contributions).toHaveLength(1);
    expect(contributions[0]).toMatchObject({ key: 'CVE-2026-56874', rejected: true, status: 'withdrawn' });
    expect(contributions[0]!.affected).toEqual([{ ecosystem: 'Go', package: 'github.com/lib/pq', status: 'unfixed', ranges: [{ introduced: '1.11.0' }], advisory: 'GO-2026-6173' }]);
  });

  it('Debian DSA OSV (DSA-135): CVE from `related`, Debian 3.0 → woody, source package', async () => {
    const { contributions } = await parseFixture('samples-via-vuls-data-update', 'DSA-135.json');
    expect(contributions).toHaveLength(1);
    expect(contributions[0]).toMatchObject({ recordId: 'DSA-135', key: 'CVE-2002-0653', aliases: ['DSA-135', 'CVE-2002-0653'], title: 'libapache-mod-ssl -- buffer overflow / DoS' });
    expect(contributions[0]!.affected).toEqual([
      {
        ecosystem: 'deb',
        distro: 'debian',
        release: 'woody',
        package: 'libapache-mod-ssl',
        sourcePackage: true,
        status: 'fixed',
        fixedVersion: '2.8.9-2',
        ranges: [{ introduced: '0', fixed: '2.8.9-2' }],
        versions: ['2.4.10-1.3.9-1potato2', '2.4.10-1.3.9-1potato4', '2.8.7-1'],
        advisory: 'DSA-135',
      },
    ]);
  });

  it('Debian DLA and DTSA OSV: releases squeeze / etch; a two-CVE DTSA yields two contributions', async () => {
    const dla = await parseFixture('samples-via-vuls-data-update', 'DLA-0001-1.json');
    expect(dla.contributions.map((c) => [c.recordId, c.key, c.affected?.[0]?.release])).toEqual([['DLA-0001-1', 'CVE-2014-3466', 'squeeze']]);
    const dtsa = await parseFixture('samples-via-vuls-data-update', 'DTSA-1-1.json');
    expect(dtsa.contributions.map((c) => [c.recordId, c.key, c.aliases])).toEqual([
      ['DTSA-1-1/CVE-2005-2626', 'CVE-2005-2626', ['DTSA-1-1', 'CVE-2005-2626']],
      ['DTSA-1-1/CVE-2005-2627', 'CVE-2005-2627', ['DTSA-1-1', 'CVE-2005-2627']],
    ]);
    expect(dtsa.contributions[0]!.affected![0]).toMatchObject({ ecosystem: 'deb', distro: 'debian', release: 'etch', package: 'kismet', fixedVersion: '2005.08.R1-0.1etch1' });
  });

  it('AlmaLinux (ALSA-2025:7049): rpm/almalinux/9, one entry per binary package, CVE from `related`', async () => {
    const { contributions, problems } = await parseFixture('almalinux', 'advisories', 'almalinux9', 'ALSA-2025:7049.json');
    expect(problems).toEqual([]);
    expect(contributions).toHaveLength(1);
    const c = contributions[0]!;
    expect(c).toMatchObject({ recordId: 'ALSA-2025:7049', key: 'CVE-2024-35195', aliases: ['ALSA-2025:7049', 'CVE-2024-35195'], title: 'Moderate: python-requests security update', published: '2025-05-13T00:00:00Z' });
    expect(c.affected).toEqual(
      ['python3-requests', 'python3-requests+security', 'python3-requests+socks'].map((name) => ({
        ecosystem: 'rpm',
        distro: 'almalinux',
        release: '9',
        package: name,
        status: 'fixed',
        fixedVersion: '2.25.1-9.el9',
        ranges: [{ introduced: '0', fixed: '2.25.1-9.el9' }],
        advisory: 'ALSA-2025:7049',
      })),
    );
  });

  it('AlmaLinux multi-CVE errata: per-CVE contributions keep only their own CVE links', async () => {
    const { contributions } = await parseFixture('almalinux', 'advisories', 'almalinux9', 'ALSA-2022:6590.json');
    expect(contributions).toHaveLength(44);
    const first = contributions.find((c) => c.key === 'CVE-2022-21412')!;
    expect(first.recordId).toBe('ALSA-2022:6590/CVE-2022-21412');
    expect(first.aliases).toEqual(['ALSA-2022:6590', 'CVE-2022-21412']);
    const urls = first.references!.map((r) => r.url);
    expect(urls).toContain('https://access.redhat.com/security/cve/CVE-2022-21412');
    expect(urls).not.toContain('https://access.redhat.com/security/cve/CVE-2022-21413');
    expect(urls).toContain('https://errata.almalinux.org/9/ALSA-2022-6590.html');
  });

  it('RustSec with three CVEs: three contributions, other CVEs are not aliases', async () => {
    const { contributions } = await parseFixture('crates.io', 'crates', 'RUSTSEC-2021-0038.json');
    expect(contributions.map((c) => c.recordId)).toEqual(['RUSTSEC-2021-0038/CVE-2021-28306', 'RUSTSEC-2021-0038/CVE-2021-28307', 'RUSTSEC-2021-0038/CVE-2021-28308']);
    expect(contributions[1]!.aliases).toEqual(['RUSTSEC-2021-0038', 'CVE-2021-28307', 'GHSA-5pg8-h4gv-m3p8', 'GHSA-7qcc-g2m9-8533', 'GHSA-vjmg-pc8h-p6p8']);
    expect(contributions[0]!.affected).toEqual([{ ecosystem: 'crates.io', package: 'fltk', status: 'fixed', fixedVersion: '0.15.3', ranges: [{ introduced: '0.0.0-0', fixed: '0.15.3' }], advisory: 'RUSTSEC-2021-0038' }]);
  });

  it('Bitnami: per-package CVSS v3 and v4.0 scores are computed', async () => {
    const activemq = (await parseFixture('bitnami', 'data', 'activemq', 'BIT-activemq-2026-33227.json')).contributions[0]!;
    expect(activemq.cvss).toEqual([{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N', baseScore: 4.3, severity: 'MEDIUM' }]);
    // Two fixed events: no single fixedVersion.
    expect(activemq.affected).toEqual([
      { ecosystem: 'Bitnami', package: 'activemq', status: 'fixed', ranges: [{ introduced: '0', fixed: '5.19.3' }, { introduced: '6.0.0', fixed: '6.2.2' }], advisory: 'BIT-activemq-2026-33227' },
    ]);
    const minio = await parseFixture('bitnami', 'data', 'minio', 'BIT-minio-2024-55949.json');
    expect(minio.problems).toEqual([]);
    expect(minio.contributions[0]).toMatchObject({ key: 'CVE-2024-55949' });
    expect(minio.contributions[0]!.cvss).toEqual([expect.objectContaining({ version: '4.0', baseScore: 9.3, severity: 'CRITICAL' })]);
  });

  it('Alpine OSV (ALPINE-CVE-2023-46850): CVE from `upstream`, one entry per Alpine release', async () => {
    const { contributions } = await parseFixture('samples-via-vuls-data-update', 'ALPINE-CVE-2023-46850.json');
    expect(contributions).toHaveLength(1);
    const c = contributions[0]!;
    expect(c).toMatchObject({ recordId: 'ALPINE-CVE-2023-46850', key: 'CVE-2023-46850', aliases: ['ALPINE-CVE-2023-46850', 'CVE-2023-46850'] });
    expect(c.affected!.map((a) => [a.ecosystem, a.distro, a.release, a.package, a.fixedVersion])).toEqual(
      ['v3.18', 'v3.19', 'v3.20', 'v3.21', 'v3.22'].map((release) => ['apk', 'alpine', release, 'openvpn', '2.6.7-r0']),
    );
  });

  it('records without a CVE keep their own id as key (malicious package, Swift GHSA without CVE)', async () => {
    const mal = (await parseFixture('samples-via-vuls-data-update', 'MAL-2023-1.json')).contributions;
    expect(mal).toHaveLength(1);
    expect(mal[0]).toMatchObject({ recordId: 'MAL-2023-1', key: 'MAL-2023-1', aliases: ['MAL-2023-1'] });
    expect(mal[0]!.affected).toEqual([{ ecosystem: 'npm', package: '@hyperion-util/cookies', status: 'unfixed', versions: ['77.77.79'], advisory: 'MAL-2023-1' }]);
    const lxd = (await parseFixture('samples-via-vuls-data-update', 'GHSA-x9qq-236j-gj97.json')).contributions;
    expect(lxd.map((c) => c.key)).toEqual(['GHSA-x9qq-236j-gj97']);
    const swift = (await parseFixture('samples-via-vuls-data-update', 'GHSA-qppj-fm5r-hxr3.json')).contributions[0]!;
    expect(swift.affected![0]).toMatchObject({ ecosystem: 'other', package: 'https://github.com/apple/swift-nio-http2' });
  });

  it('`related` of a non-distro record is neither key nor alias (PYSEC-2023-183 → CVE-2023-4863)', async () => {
    const { contributions } = await parseFixture('pypi', 'vulns', 'opencv-python', 'PYSEC-2023-183.yaml');
    expect(contributions.map((c) => c.key)).toEqual(['PYSEC-2023-183']);
    expect(contributions[0]!.aliases).toEqual(['PYSEC-2023-183']);
  });

  it('PSF GIT-only affected entries are skipped (commits are not versions)', async () => {
    const { contributions, problems } = await parseFixture('psf', 'advisories', 'python', 'PSF-2017-5.json');
    expect(problems).toEqual([]);
    expect(contributions).toHaveLength(1);
    expect(contributions[0]).toMatchObject({ key: 'CVE-2016-9843', recordId: 'PSF-2017-5' });
    expect(contributions[0]!.affected).toBeUndefined();
  });

  it('reads gzip-compressed files the same way', async () => {
    const plain = await parseFixture('samples-via-vuls-data-update', 'GHSA-92r3-m2mg-pj97.json');
    const file = tmpFile('GHSA-92r3-m2mg-pj97.json.gz', gzipSync(readFileSync(osv('samples-via-vuls-data-update', 'GHSA-92r3-m2mg-pj97.json'))));
    expect(osvJsonImporter.detect({ fileName: path.basename(file), head: await readHead(file) })).toBe(true);
    expect((await collect(osvJsonImporter, file)).contributions).toEqual(plain.contributions);
  });
});

describe('ecosystem mapping', () => {
  it.each([
    ['Debian:12', { ecosystem: 'deb', distro: 'debian', release: 'bookworm' }],
    ['Debian:11', { ecosystem: 'deb', distro: 'debian', release: 'bullseye' }],
    ['Debian:10', { ecosystem: 'deb', distro: 'debian', release: 'buster' }],
    ['Debian:13', { ecosystem: 'deb', distro: 'debian', release: 'trixie' }],
    ['Debian:6.0', { ecosystem: 'deb', distro: 'debian', release: 'squeeze' }],
    ['Debian:99', { ecosystem: 'deb', distro: 'debian', release: '99' }],
    ['Debian', { ecosystem: 'deb', distro: 'debian' }],
    ['Ubuntu:22.04:LTS', { ecosystem: 'deb', distro: 'ubuntu', release: 'jammy' }],
    ['Alpine:v3.18', { ecosystem: 'apk', distro: 'alpine', release: 'v3.18' }],
    ['AlmaLinux:9', { ecosystem: 'rpm', distro: 'almalinux', release: '9' }],
    ['PyPI', { ecosystem: 'PyPI' }],
    ['GitHub Actions', { ecosystem: 'GitHub Actions' }],
    ['crates.io', { ecosystem: 'crates.io' }],
    ['Bitnami', { ecosystem: 'Bitnami' }],
    ['SwiftURL', { ecosystem: 'other' }],
    ['Linux', { ecosystem: 'other' }],
  ])('%s', (raw, expected) => {
    expect(mapOsvEcosystem(raw)).toEqual(expected);
  });
});

describe('detection does not claim other formats', () => {
  // Reading the heads of the bz2 OVAL and the NVD files takes a few seconds on a loaded machine.
  it('rejects NVD, KEV, Alpine secdb, EPSS, OVAL, compliance YAML and manifests', { timeout: 60_000 }, async () => {
    const others = [
      ...walk(fixture('nvd')),
      ...walk(fixture('kev')),
      ...walk(fixture('alpine')),
      ...walk(fixture('epss')),
      ...walk(fixture('debian')),
      ...walk(fixture('ubuntu')),
      ...walk(fixture('compliance')),
      osv('MANIFEST.json'),
    ];
    expect(others.length).toBeGreaterThan(60);
    for (const file of others) {
      const sample = { fileName: path.basename(file), head: await readHead(file) };
      expect(osvJsonImporter.detect(sample), file).toBe(false);
      expect(osvYamlImporter.detect(sample), file).toBe(false);
    }
  });

  it('judges by content as well as by name', () => {
    const head = '{"schema_version":"1.6.0","id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-01T00:00:00Z"}';
    expect(osvJsonImporter.detect({ fileName: 'x.json', head })).toBe(true);
    expect(osvJsonImporter.detect({ fileName: 'x.txt', head })).toBe(false);
    expect(osvJsonImporter.detect({ fileName: 'x.json', head: '{"resultsPerPage":1,"format":"NVD_CVE","version":"2.0","vulnerabilities":[{"cve":{"id":"CVE-2024-1","published":"x"}}]}' })).toBe(false);
    expect(osvJsonImporter.detect({ fileName: 'x.json', head: '{"title":"CISA Catalog","catalogVersion":"2025.08.25","vulnerabilities":[{"cveID":"CVE-2024-1"}]}' })).toBe(false);
    expect(osvYamlImporter.detect({ fileName: 'rule.yml', head: 'documentation_complete: true\ntitle: x\n' })).toBe(false);
  });
});

const GOOD_RECORD = {
  schema_version: '1.6.0',
  id: 'GHSA-test-0000-0001',
  modified: '2024-01-01T00:00:00Z',
  aliases: ['CVE-2024-0001'],
  summary: 'test record',
  affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }],
};

describe('hostile and malformed input', () => {
  it('truncated JSON: one Error naming the file', async () => {
    const text = readFileSync(osv('samples-via-vuls-data-update', 'GHSA-92r3-m2mg-pj97.json'), 'utf8');
    const file = tmpFile('GHSA-truncated.json', text.slice(0, Math.floor(text.length / 2)));
    await expect(collect(osvJsonImporter, file)).rejects.toThrow(/GHSA-truncated\.json: not valid JSON/);
  });

  it('empty file: Error naming the file', async () => {
    const file = tmpFile('empty.json', '');
    await expect(collect(osvJsonImporter, file)).rejects.toThrow(/empty\.json: not valid JSON/);
  });

  it('YAML alias bomb: rejected with a clear error before any expansion blows up', { timeout: 5000 }, async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = tmpFile('PYSEC-bomb.yaml', `id: PYSEC-0000-1\n${levels.join('\n')}\n`);
    await expect(collect(osvYamlImporter, file)).rejects.toThrow(/PYSEC-bomb\.yaml: not valid YAML: .*alias/i);
  });

  it('invalid YAML and multi-document YAML: Error naming the file', async () => {
    await expect(collect(osvYamlImporter, tmpFile('bad.yaml', 'id: PYSEC-1\naffected: [\n'))).rejects.toThrow(/bad\.yaml: not valid YAML/);
    await expect(collect(osvYamlImporter, tmpFile('two.yaml', 'id: PYSEC-1\n---\nid: PYSEC-2\n'))).rejects.toThrow(/two\.yaml: not valid YAML/);
    await expect(collect(osvYamlImporter, tmpFile('dup.yaml', 'id: PYSEC-1\nid: PYSEC-2\n'))).rejects.toThrow(/dup\.yaml: not valid YAML/);
    const deep = `id: PYSEC-1\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    await expect(collect(osvYamlImporter, tmpFile('deep.yaml', deep))).rejects.toThrow(/deep\.yaml: not valid YAML/);
  });

  it('YAML numbers keep their text (1.10 is a version, not 1.1)', async () => {
    const file = tmpFile('PYSEC-num.yaml', 'id: PYSEC-2099-1\nmodified: 2024-01-01T00:00:00Z\naffected:\n- package: {ecosystem: PyPI, name: foo}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n  versions: [1.0, 1.9]\n');
    const { contributions } = await collect(osvYamlImporter, file);
    expect(contributions[0]!.affected).toEqual([{ ecosystem: 'PyPI', package: 'foo', status: 'fixed', fixedVersion: '1.10', ranges: [{ introduced: '0', fixed: '1.10' }], versions: ['1.0', '1.9'], advisory: 'PYSEC-2099-1' }]);
  });

  it('non-object JSON is reported, not thrown; a JSON array is read record by record', async () => {
    for (const [name, content] of [['number.json', '42'], ['null.json', 'null'], ['string.json', '"GHSA-x"']] as const) {
      const { contributions, problems } = await collect(osvJsonImporter, tmpFile(name, content));
      expect(contributions).toEqual([]);
      expect(problems).toEqual([{ file: name, message: expect.stringMatching(/not an OSV record: expected an object/) }]);
    }
    const { contributions, problems } = await collect(osvJsonImporter, tmpFile('array.json', JSON.stringify([1, GOOD_RECORD, { summary: 'no id' }])));
    expect(contributions.map((c) => c.key)).toEqual(['CVE-2024-0001']);
    expect(problems.map((p) => [p.record, p.message])).toEqual([
      ['#0', 'not an OSV record: expected an object, got a number; record skipped'],
      ['#2', 'OSV record without an "id"; record skipped'],
    ]);
  });

  it('an invalid CVE id in aliases is reported and dropped; the record still imports', () => {
    const problems: KbImportProblem[] = [];
    const record = { ...GOOD_RECORD, aliases: ['CVE-2024-12', 'cve-2024-0002', 'CVE-2024-0003 ', 'GHSA-<script>', 42, 'CVE-2024-0002'] };
    const contributions = osvRecordToContributions(record, 'f.json', (p) => problems.push(p));
    // lower-case CVE ids are normalised; trailing blanks trimmed; duplicates removed.
    expect(contributions.map((c) => [c.recordId, c.key, c.aliases])).toEqual([
      ['GHSA-test-0000-0001/CVE-2024-0002', 'CVE-2024-0002', ['GHSA-test-0000-0001', 'CVE-2024-0002']],
      ['GHSA-test-0000-0001/CVE-2024-0003', 'CVE-2024-0003', ['GHSA-test-0000-0001', 'CVE-2024-0003']],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      '"aliases" entry "CVE-2024-12" is not a valid CVE id (CVE-YYYY-NNNN); ignored',
      '"aliases" entry "GHSA-<script>" is not an identifier; ignored',
      '"aliases" entry is a number, not a string; ignored',
    ]);
    expect(problems.every((p) => p.file === 'f.json' && p.record === 'GHSA-test-0000-0001')).toBe(true);
  });

  it('structurally wrong records are skipped with a problem', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...GOOD_RECORD, affected: { package: {} } }, /"affected" must be an array, got an object/],
      [{ ...GOOD_RECORD, aliases: 'CVE-2024-0001' }, /"aliases" must be an array/],
      [{ ...GOOD_RECORD, summary: { text: 'x' } }, /"summary" must be a string/],
      [{ ...GOOD_RECORD, id: 'GHSA with spaces' }, /is not an OSV identifier/],
      [{ ...GOOD_RECORD, id: 'CVE-1' }, /is not a valid CVE id/],
      [{ ...GOOD_RECORD, id: 'x'.repeat(10_000) }, /is not an OSV identifier/],
    ];
    for (const [record, message] of cases) {
      const problems: KbImportProblem[] = [];
      expect(osvRecordToContributions(record, 'f.json', (p) => problems.push(p))).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toMatch(message);
      expect(problems[0]!.message).toMatch(/record skipped$/);
    }
  });

  it('bad parts of a good record are dropped with a problem: script URLs, broken vectors, bad events', () => {
    const problems: KbImportProblem[] = [];
    const record = {
      ...GOOD_RECORD,
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
        { type: 'Ubuntu', score: 'high' },
      ],
      references: [{ type: 'WEB', url: 'javascript:alert(1)' }, { type: 'WEB', url: 'not a url' }, { type: 'WEB', url: 'https://example.org/ok' }],
      affected: [
        { package: { ecosystem: 'npm', name: 'a' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '' }, { fixed: '2.0.0', introduced: '1' }, 'x', { fixed: '1.0.0' }] }] },
        { package: { ecosystem: 'npm' }, ranges: [] },
        { package: { ecosystem: 'npm', name: 'b' }, ranges: [{ type: 'GIT', repo: 'https://example.org/r', events: [{ introduced: '0' }, { fixed: 'abc' }] }] },
        { package: { ecosystem: 'npm', name: 'c' }, ranges: [{ type: 'WEIRD', events: [] }], versions: ['1.0.0'] },
      ],
      published: 'yesterday',
    };
    const [c] = osvRecordToContributions(record, 'f.json', (p) => problems.push(p));
    expect(c!.cvss).toEqual([
      { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'CRITICAL' },
      { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', baseScore: 9.3, severity: 'CRITICAL' },
    ]);
    expect(c!.references).toEqual([{ url: 'https://example.org/ok', tags: ['WEB'] }]);
    expect(c!.published).toBeUndefined();
    expect(c!.affected).toEqual([
      { ecosystem: 'npm', package: 'a', status: 'fixed', fixedVersion: '1.0.0', ranges: [{ introduced: '0', fixed: '1.0.0' }], advisory: 'GHSA-test-0000-0001' },
      // Only a GIT range and no versions: nothing bounds it, so it is not kept (package b).
      { ecosystem: 'npm', package: 'c', status: 'unfixed', versions: ['1.0.0'], advisory: 'GHSA-test-0000-0001' },
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'affected[0].ranges[0]: range event "fixed" has no version; ignored',
      'affected[0].ranges[0]: range event {"fixed":"2.0.0","introduced":"1"} has no single introduced/fixed/last_affected/limit; ignored',
      'affected[0].ranges[0]: range event is a string; ignored',
      'affected[1].package needs a string "ecosystem" and "name"; entry ignored',
      'affected[3].ranges[0] has unknown type "WEIRD"; ignored',
      'CVSS_V3 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H": invalid CVSS 3.1 vector; ignored',
      'reference "javascript:alert(1)" is not http(s); ignored',
      'reference "not a url" is not a URL; ignored',
      '"published" "yesterday" is not a date; ignored',
    ]);
  });

  it('caps the description at 64 KiB without splitting a character, and long titles', () => {
    const [c] = osvRecordToContributions({ ...GOOD_RECORD, summary: 's'.repeat(5000), details: 'é'.repeat(50_000) }, 'f.json', () => undefined);
    expect(Buffer.byteLength(c!.description!)).toBeLessThanOrEqual(64 * 1024);
    expect(c!.description!.length).toBe(32 * 1024);
    expect(c!.title!.length).toBe(1024);
  });
});
