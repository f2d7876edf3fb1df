import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTrackerJsonImporter } from '../../../../server/kb/importers/debian-tracker-json.importer';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import type { KbContribution } from '../../../../server/kb/kb-types';
import { PROJECT_ROOT } from '../../../helpers/cli';
import { fixture, KB_FIXTURES } from '../../../helpers/fixtures';
import { collect } from '../../../helpers/kb-importers';

const FILE = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'debian-tracker', 'security-tracker.json');
type TrackerJson = Record<string, Record<string, { description?: string; releases: Record<string, { status: string; fixed_version?: string }> }>>;
const raw = JSON.parse(readFileSync(FILE, 'utf8')) as TrackerJson;

let contributions: KbContribution[];
let tmp: string;

const write = (name: string, content: string | Buffer) => {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
};
const byRecord = (recordId: string) => contributions.find((c) => c.recordId === recordId)!;
const release = (recordId: string, name: string) => byRecord(recordId).affected!.find((a) => a.release === name);

beforeAll(async () => {
  const result = await collect(debianTrackerJsonImporter, FILE, 'json');
  expect(result.error).toBeUndefined();
  expect(result.problems).toEqual([]);
  contributions = result.contributions;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-tracker-json-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Debian security-tracker JSON: detection', () => {
  it('is claimed by exactly this importer, also when gzip-compressed and without an extension', async () => {
    const gz = write('json.gz', gzipSync(readFileSync(FILE)));
    for (const [file, name] of [
      [FILE, 'json'],
      [gz, 'json.gz'],
    ] as const) {
      const head = await readHead(file);
      expect(KB_IMPORTERS.filter((importer) => importer.detect({ fileName: name, head })).map((i) => i.format)).toEqual(['debian-tracker-json']);
    }
  });

  it('claims none of the other fixture files', async () => {
    const files = ['nvd', 'kev', 'osv/go', 'alpine/v3.21', 'epss'].flatMap((dir) =>
      readdirSync(path.join(KB_FIXTURES, dir), { recursive: true })
        .map(String)
        .filter((name) => /\.(json|csv)$/.test(name))
        .slice(0, 5)
        .map((name) => path.join(KB_FIXTURES, dir, name)),
    );
    expect(files.length).toBeGreaterThan(15);
    for (const file of [...files, fixture('debian', 'tracker-raw', 'DSA-list.subset')]) {
      expect(debianTrackerJsonImporter.detect({ fileName: path.basename(file), head: await readHead(file) })).toBe(false);
    }
  });
});

describe('Debian security-tracker JSON: mapping', () => {
  it('yields one contribution per source package and CVE, TEMP ids skipped without a problem', () => {
    const expected = Object.entries(raw).flatMap(([pkg, cves]) => Object.keys(cves).filter((id) => id.startsWith('CVE-')).map((id) => `${pkg}/${id}`));
    expect(expected).toHaveLength(10);
    expect(contributions.map((c) => c.recordId).sort()).toEqual(expected.sort());
    expect(contributions.some((c) => c.recordId.includes('TEMP-'))).toBe(false);
    for (const c of contributions) {
      expect(c).toMatchObject({ source: 'debian-tracker-json', key: c.recordId.split('/')[1], aliases: [c.recordId.split('/')[1]] });
      expect(c.references).toContainEqual({ url: `https://security-tracker.debian.org/tracker/${c.key}` });
    }
  });

  it('states every release as the tracker does, keyed on the source package', () => {
    for (const [pkg, cves] of Object.entries(raw)) {
      for (const [id, entry] of Object.entries(cves)) {
        if (!id.startsWith('CVE-')) continue;
        const statements = byRecord(`${pkg}/${id}`).affected!;
        expect(statements.map((s) => s.release).sort()).toEqual(Object.keys(entry.releases).sort());
        for (const statement of statements) {
          const upstream = entry.releases[statement.release!]!;
          expect(statement).toMatchObject({ ecosystem: 'deb', distro: 'debian', package: pkg, sourcePackage: true });
          if (upstream.status !== 'resolved') expect(statement).toEqual(expect.objectContaining({ status: 'unfixed' }));
          else if (upstream.fixed_version === '0') expect(statement.status).toBe('not-affected');
          else expect(statement).toMatchObject({ status: 'fixed', fixedVersion: upstream.fixed_version, ranges: [{ introduced: '0', fixed: upstream.fixed_version }] });
        }
      }
    }
  });

  it('maps each state: fixed, not affected ("0"), open and undetermined (unfixed), and releases without a number (sid)', () => {
    expect(release('sudo/CVE-2021-3156', 'bookworm')).toEqual({ ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'sudo', sourcePackage: true, status: 'fixed', fixedVersion: '1.9.5p1-1.1', ranges: [{ introduced: '0', fixed: '1.9.5p1-1.1' }] });
    expect(release('sudo/CVE-2021-3156', 'buster')).toMatchObject({ status: 'fixed', fixedVersion: '1.8.27-1+deb10u3' });
    expect(release('sudo/CVE-2005-1119', 'bookworm')).toEqual({ ecosystem: 'deb', distro: 'debian', release: 'bookworm', package: 'sudo', sourcePackage: true, status: 'not-affected' });
    expect(release('nginx/CVE-2020-36309', 'bullseye')).toEqual({ ecosystem: 'deb', distro: 'debian', release: 'bullseye', package: 'nginx', sourcePackage: true, status: 'unfixed' });
    expect(release('sudo/CVE-2023-27320', 'bullseye')).toMatchObject({ status: 'unfixed' });
    expect(release('sudo/CVE-2023-27320', 'bullseye')!.fixedVersion).toBeUndefined();
    expect(release('nginx/CVE-2009-4487', 'sid')).toMatchObject({ status: 'not-affected' });
    expect(byRecord('sudo/CVE-2021-3156').description).toMatch(/^Sudo before 1\.9\.5p2 contains an off-by-one error/);
    expect(byRecord('xorg-server/CVE-2023-1393').description).toBeUndefined();
  });
});

describe('Debian security-tracker JSON: bad input', () => {
  const entry = (releases: unknown, extra: Record<string, unknown> = {}) => ({ description: 'x', scope: 'local', releases, ...extra });

  it('reports bad entries and releases by package and CVE, and keeps the rest', async () => {
    const file = write(
      'json',
      JSON.stringify({
        sudo: {
          'CVE-2021-3156': entry({ bookworm: { status: 'resolved', fixed_version: '1.9.5p1-1.1' }, 'Bookworm 12': { status: 'open' }, bullseye: { status: 'itp' }, trixie: { status: 'resolved' }, forky: { status: 'resolved', fixed_version: 'not a version' } }, { debianbug: 'soon' }),
          'CVE-2023-22809': entry({ forky: { status: 'resolved', fixed_version: '1.9.12p2-1' } }, { debianbug: 1028575 }),
          'DSA-5321-1': entry({}),
          'CVE-2023-27320': 'text',
          'CVE-2005-1119': { description: 'no releases' },
        },
        'Not A Package!': { 'CVE-2023-1393': entry({}) },
        tor: ['CVE-2023-23589'],
      }),
    );
    const result = await collect(debianTrackerJsonImporter, file, 'json');
    expect(result.error).toBeUndefined();
    expect(result.contributions.map((c) => c.recordId)).toEqual(['sudo/CVE-2021-3156', 'sudo/CVE-2023-22809']);
    expect(result.contributions[0]!.affected!.map((a) => a.release)).toEqual(['bookworm']);
    // A codename Vigil does not know yet (forky here) is kept as it is.
    expect(result.contributions[1]!.affected).toEqual([{ ecosystem: 'deb', distro: 'debian', release: 'forky', package: 'sudo', sourcePackage: true, status: 'fixed', fixedVersion: '1.9.12p2-1', ranges: [{ introduced: '0', fixed: '1.9.12p2-1' }] }]);
    expect(result.contributions[1]!.references).toContainEqual({ url: 'https://bugs.debian.org/1028575' });
    expect(result.problems.map((p) => `${p.file} [${p.record}] ${p.message}`)).toEqual([
      'json [sudo/CVE-2021-3156] releases.Bookworm 12: not a release codename; release skipped',
      'json [sudo/CVE-2021-3156] releases.bullseye: unknown status "itp"; release skipped',
      'json [sudo/CVE-2021-3156] releases.trixie: resolved without a valid fixed_version (undefined); release skipped',
      'json [sudo/CVE-2021-3156] releases.forky: resolved without a valid fixed_version ("not a version"); release skipped',
      'json [sudo/CVE-2021-3156] debianbug "soon" is not a bug number; ignored',
      'json [sudo/DSA-5321-1] not a CVE id; entry skipped',
      'json [sudo/CVE-2023-27320] not an object; entry skipped',
      'json [sudo/CVE-2005-1119] no "releases" object; entry skipped',
      'json [Not A Package!] not a Debian source package name; package skipped',
      'json [tor] not an object of CVE entries; package skipped',
    ]);
  });

  it('a truncated file fails naming the file and where it ends', async () => {
    const bytes = readFileSync(FILE);
    const file = write('truncated.json', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const result = await collect(debianTrackerJsonImporter, file);
    expect(result.error?.message).toMatch(/^truncated\.json: invalid JSON at position \d+ \(end of input: the file is truncated\)/);
  });

  it('a truncated gzip download fails naming the file', async () => {
    const gz = gzipSync(readFileSync(FILE));
    const result = await collect(debianTrackerJsonImporter, write('json.gz', gz.subarray(0, gz.length - 40)));
    expect(result.error?.message).toMatch(/^json\.gz: /);
  });

  it('a document that is not an object of packages is refused', async () => {
    const result = await collect(debianTrackerJsonImporter, write('array.json', '[{"sudo": {}}]'));
    expect(result.error?.message).toBe('array.json: not a Debian security-tracker JSON file: the document is not an object');
    const broken = await collect(debianTrackerJsonImporter, write('broken.json', '{"sudo": {"CVE-2021-3156": {"releases": {]}}}'));
    expect(broken.error?.message).toMatch(/^broken\.json: invalid JSON at position/);
  });
});
