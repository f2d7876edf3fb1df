import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alpineSecdbImporter, compareApkVersions } from '../../../../server/kb/importers/alpine-secdb.importer';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import { osvJsonImporter } from '../../../../server/kb/importers/osv.importer';
import type { KbContribution, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';

async function collect(filePath: string, fileName = path.basename(filePath)) {
  const contributions: KbContribution[] = [];
  const problems: KbImportProblem[] = [];
  for await (const c of alpineSecdbImporter.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(c);
  return { contributions, problems };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-alpine-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function tmpFile(name: string, content: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

const find = (contributions: KbContribution[], pkg: string, key: string) => contributions.find((c) => c.affected?.[0]?.package === pkg && c.key === key);

describe('Alpine secdb fixtures', () => {
  // packages per file (README) and contributions (one per package × vulnerability id).
  it.each([
    ['v3.17', 'main', 153, 1692, 0],
    ['v3.20', 'main', 166, 2013, 1],
    ['v3.20', 'community', 277, 4092, 3],
    ['v3.21', 'main', 168, 1968, 1],
    ['v3.21', 'community', 281, 3822, 3],
  ])('%s/%s: %i packages → %i contributions, %i problems', async (release, repo, packages, count, problemCount) => {
    const file = fixture('alpine', release, `${repo}.json`);
    expect(alpineSecdbImporter.detect({ fileName: `${repo}.json`, head: await readHead(file) })).toBe(true);
    expect(osvJsonImporter.detect({ fileName: `${repo}.json`, head: await readHead(file) })).toBe(false);
    const { contributions, problems } = await collect(file);
    console.log(`alpine ${release}/${repo}: ${packages} packages → ${contributions.length} contributions, ${problems.length} problems`);
    expect(new Set(contributions.map((c) => c.affected![0]!.package)).size).toBeLessThanOrEqual(packages);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { packages: unknown[] }).packages).toHaveLength(packages);
    expect(contributions).toHaveLength(count);
    expect(problems).toHaveLength(problemCount);
    expect(new Set(contributions.map((c) => c.recordId)).size).toBe(count);
    for (const c of contributions) {
      expect(c.source).toBe('alpine-secdb');
      expect(c.recordId).toBe(`${release}/${repo}/${c.affected![0]!.package}/${c.key}`);
      expect(c.aliases[0]).toBe(c.key);
      expect(c.affected![0]).toMatchObject({ ecosystem: 'apk', distro: 'alpine', release, repository: repo });
    }
  });

  it('a fixed CVE: v3.20 main apache2 CVE-2017-3167 fixed in 2.4.26-r0', async () => {
    const { contributions } = await collect(fixture('alpine', 'v3.20', 'main.json'));
    expect(find(contributions, 'apache2', 'CVE-2017-3167')).toEqual({
      source: 'alpine-secdb',
      recordId: 'v3.20/main/apache2/CVE-2017-3167',
      key: 'CVE-2017-3167',
      aliases: ['CVE-2017-3167'],
      affected: [{ ecosystem: 'apk', distro: 'alpine', release: 'v3.20', repository: 'main', package: 'apache2', status: 'fixed', fixedVersion: '2.4.26-r0', ranges: [{ introduced: '0', fixed: '2.4.26-r0' }] }],
    });
  });

  it('version "0" means never affected: v3.17 main busybox CVE-2021-42373', async () => {
    const { contributions } = await collect(fixture('alpine', 'v3.17', 'main.json'));
    expect(find(contributions, 'busybox', 'CVE-2021-42373')!.affected).toEqual([{ ecosystem: 'apk', distro: 'alpine', release: 'v3.17', repository: 'main', package: 'busybox', status: 'not-affected' }]);
  });

  it('other id schemes: XSA alias on a CVE line, XSA-only and ALPINE-only lines as keys of their own', async () => {
    const { contributions } = await collect(fixture('alpine', 'v3.20', 'main.json'));
    expect(find(contributions, 'xen', 'CVE-2018-5244')).toMatchObject({ aliases: ['CVE-2018-5244', 'XSA-253'], affected: [{ fixedVersion: '4.10.0-r1' }] });
    expect(find(contributions, 'xen', 'XSA-248')).toMatchObject({ recordId: 'v3.20/main/xen/XSA-248', aliases: ['XSA-248'], affected: [{ status: 'fixed', fixedVersion: '4.10.0-r1' }] });
    expect(find(contributions, 'xen', 'CVE-2020-29568')).toMatchObject({ aliases: ['CVE-2020-29568', 'XSA-349'], affected: [{ status: 'not-affected' }] });
    // Two CVEs on one line: each its own key, sharing the XSA alias but not each other.
    expect(find(contributions, 'xen', 'CVE-2019-17349')!.aliases).toEqual(['CVE-2019-17349', 'XSA-295']);
    expect(find(contributions, 'xen', 'CVE-2019-17350')!.aliases).toEqual(['CVE-2019-17350', 'XSA-295']);
    expect(find(contributions, 'busybox', 'ALPINE-13661')).toMatchObject({ affected: [{ fixedVersion: '1.35.0-r7' }] });
    expect(find(contributions, 'libdwarf', 'DW202402-001')).toMatchObject({ affected: [{ fixedVersion: '0.9.2-r0' }] });
  });

  it('malformed CVE ids are reported: "CVE-46838" (linux-lts) and the placeholder "CVE-????-?????" (tailscale)', async () => {
    const main = await collect(fixture('alpine', 'v3.20', 'main.json'));
    expect(main.problems).toEqual([{ file: 'main.json', record: 'linux-lts 6.6.13-r1', message: '"CVE-46838" is not a valid CVE id; ignored' }]);
    const community = await collect(fixture('alpine', 'v3.20', 'community.json'));
    expect(community.problems).toContainEqual({ file: 'community.json', record: 'tailscale 1.66.1-r0', message: '"CVE-????-?????" is not a valid CVE id; ignored' });
    // …and the rest of the line still counts: Tailscale's own bulletin id becomes the key.
    expect(find(community.contributions, 'tailscale', 'TS-2024-005')).toMatchObject({ aliases: ['TS-2024-005'], affected: [{ fixedVersion: '1.66.1-r0' }] });
    expect(find(community.contributions, 'tailscale', 'CVE-2022-41924')!.aliases).toEqual(['CVE-2022-41924', 'TS-2022-004']);
    expect(find(community.contributions, 'py3-treq', 'GHSA-fhpf-pp6p-55qc')).toBeDefined();
  });

  it('the same CVE under two versions keeps the lowest (apk order), not the first or last listed', async () => {
    const { contributions } = await collect(fixture('alpine', 'v3.20', 'community.json'));
    // Listed under 103.0.5060.134-r0 first, then 103.0.5060.53-r0; Chrome fixed it in 103.0.5060.53.
    expect(find(contributions, 'chromium', 'CVE-2022-2163')!.affected![0]!.fixedVersion).toBe('103.0.5060.53-r0');
    expect(find(contributions, 'dotnet6-runtime', 'CVE-2023-36792')!.affected![0]!.fixedVersion).toBe('6.0.22-r0');
    expect(find(contributions, 'thunderbird', 'CVE-2022-2200')!.affected![0]!.fixedVersion).toBe('102.0-r0');
    expect(find(contributions, 'openjdk21', 'CVE-2024-21217')!.affected![0]!.fixedVersion).toBe('21.0.4_p7-r0');
    // Known limit of the rule (see the importer): upstream fixed this only in runc 1.1.5.
    expect(find(contributions, 'runc', 'CVE-2023-27561')!.affected![0]!.fixedVersion).toBe('1.1.4-r0');
    // The same CVE twice under one version is one contribution.
    expect(contributions.filter((c) => c.recordId === 'v3.20/community/recutils/CVE-2021-46022')).toHaveLength(1);
  });
});

describe('compareApkVersions', () => {
  it.each([
    ['103.0.5060.53-r0', '103.0.5060.134-r0'],
    ['1.1.4-r0', '1.1.4-r7'],
    ['21.0.4_p7-r0', '21.0.5_p11-r0'],
    ['102.0-r0', '102.1.0-r0'],
    ['1.0.0_rc9-r0', '1.0.0_rc10-r0'],
    ['1.0_alpha1', '1.0_beta'],
    ['1.0_rc1', '1.0'],
    ['1.0', '1.0-r0'],
    ['1.0-r1', '1.0_p1'],
    ['1.0_p1', '1.0a'],
    ['1.0a', '1.0.1'],
    ['1.0a', '1.0b'],
    ['0', '0.1'],
    ['1.01', '1.1'],
    ['1.9-r0', '1.10-r0'],
  ])('%s < %s', (low, high) => {
    expect(compareApkVersions(low, high)).toBe(-1);
    expect(compareApkVersions(high, low)).toBe(1);
  });

  it('equal versions compare equal; the hash suffix is ignored', () => {
    expect(compareApkVersions('1.2.3-r4', '1.2.3-r4')).toBe(0);
    expect(compareApkVersions('1.2.3~abcdef-r0', '1.2.3-r0')).toBe(0);
  });

  it('every version key of the fixtures is apk syntax except two upstream typos, which are reported', async () => {
    const apk = /^(\d+(\.\d+)*)[a-z]?((_(alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(~[0-9a-f]+)?(-r\d+)?$/;
    const odd: string[] = [];
    for (const [release, repo] of [['v3.17', 'main'], ['v3.20', 'main'], ['v3.20', 'community'], ['v3.21', 'main'], ['v3.21', 'community']] as const) {
      const doc = JSON.parse(readFileSync(fixture('alpine', release, `${repo}.json`), 'utf8')) as { packages: { pkg: { name: string; secfixes: Record<string, string[]> } }[] };
      for (const { pkg } of doc.packages) for (const version of Object.keys(pkg.secfixes)) if (!apk.test(version)) odd.push(`${release}/${repo} ${pkg.name} ${version}`);
    }
    expect(odd).toEqual(['v3.20/community croc 10.0.11-0', 'v3.20/community opensmtpd 6.6.2p1-r0', 'v3.21/community croc 10.0.11-0', 'v3.21/community opensmtpd 6.6.2p1-r0']);
    const { contributions, problems } = await collect(fixture('alpine', 'v3.21', 'community.json'));
    expect(problems.filter((p) => /apk version syntax/.test(p.message))).toEqual([
      { file: 'community.json', record: 'croc 10.0.11-0', message: 'secfixes version "10.0.11-0" is not apk version syntax; kept as written' },
      { file: 'community.json', record: 'opensmtpd 6.6.2p1-r0', message: 'secfixes version "6.6.2p1-r0" is not apk version syntax; kept as written' },
    ]);
    expect(find(contributions, 'croc', 'CVE-2023-43617')!.affected![0]!.fixedVersion).toBe('10.0.11-0');
  });
});

describe('hostile and malformed input', () => {
  const doc = (packages: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ reponame: 'main', distroversion: 'v3.20', packages, ...extra });

  it('truncated JSON: one Error naming the file', async () => {
    const text = readFileSync(fixture('alpine', 'v3.20', 'main.json'), 'utf8');
    await expect(collect(tmpFile('main-truncated.json', text.slice(0, 5000)))).rejects.toThrow(/main-truncated\.json: not valid JSON/);
  });

  it('valid JSON that is not a secdb file: Error naming the file', async () => {
    await expect(collect(tmpFile('array.json', '[]'))).rejects.toThrow(/array\.json: not an Alpine secdb file \(top level is an array/);
    await expect(collect(tmpFile('nover.json', JSON.stringify({ reponame: 'main', packages: [] })))).rejects.toThrow(/nover\.json: not an Alpine secdb file \("distroversion"/);
    await expect(collect(tmpFile('badver.json', doc([], { distroversion: '../../etc' })))).rejects.toThrow(/"distroversion" "\.\.\/\.\.\/etc" is not vX\.Y or edge/);
    await expect(collect(tmpFile('nopkgs.json', doc({})))).rejects.toThrow(/"packages" is an object, not a list/);
  });

  it('bad packages and lines are reported and skipped; good ones still import', async () => {
    const file = tmpFile(
      'mixed.json',
      doc([
        { pkg: { name: 'good', secfixes: { '1.2-r0': ['CVE-2024-0001', 'cve-2024-0002 XSA-1'], '1.3-r0': ['CVE-2024-0001'] } } },
        'not an object',
        { pkg: { name: '../evil', secfixes: {} } },
        { pkg: { name: 'nosecfixes' } },
        { pkg: { name: 'weird', secfixes: { '1 2': ['CVE-2024-0003'], '2.0-r0': 'CVE-2024-0004', '3.0-r0': [42, 'just some words', 'CVE-2024-0005 (regression)'] } } },
      ]),
    );
    const { contributions, problems } = await collect(file);
    expect(contributions.map((c) => [c.recordId, c.aliases, c.affected![0]!.fixedVersion])).toEqual([
      ['v3.20/main/good/CVE-2024-0001', ['CVE-2024-0001'], '1.2-r0'],
      ['v3.20/main/good/CVE-2024-0002', ['CVE-2024-0002', 'XSA-1'], '1.2-r0'],
      ['v3.20/main/weird/CVE-2024-0005', ['CVE-2024-0005'], '3.0-r0'],
    ]);
    expect(problems.map((p) => `${p.record}: ${p.message}`)).toEqual([
      'packages[1]: entry without a valid "pkg.name"; skipped',
      'packages[2]: entry without a valid "pkg.name"; skipped',
      'nosecfixes: "secfixes" is missing; package skipped',
      'weird: secfixes version "1 2" is not a version; ignored',
      'weird 2.0-r0: secfixes entry is a string, not a list; ignored',
      'weird 3.0-r0: secfixes line is a number, not a string; ignored',
      'weird 3.0-r0: "just" is not a vulnerability id; ignored',
      'weird 3.0-r0: "some" is not a vulnerability id; ignored',
      'weird 3.0-r0: "words" is not a vulnerability id; ignored',
      'weird 3.0-r0: "(regression)" is not a vulnerability id; ignored',
    ]);
  });
});
