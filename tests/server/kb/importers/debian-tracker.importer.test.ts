import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debianTrackerImporter } from '../../../../server/kb/importers/debian-tracker.importer';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import type { KbContribution, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';

const DSA = fixture('debian', 'tracker-raw', 'DSA-list.subset');
const DLA = fixture('debian', 'tracker-raw', 'DLA-list.subset');
const rawDsa = readFileSync(DSA, 'utf8');
const rawDla = readFileSync(DLA, 'utf8');

async function collect(filePath: string, fileName = path.basename(filePath)) {
  const problems: KbImportProblem[] = [];
  const contributions: KbContribution[] = [];
  for await (const c of debianTrackerImporter.parse({ filePath, fileName, onProblem: (p) => problems.push(p) })) contributions.push(c);
  return { contributions, problems };
}

const advisoryOf = (c: KbContribution) => c.recordId.replace(/\/CVE-\d{4}-\d+$/, '');
const ofAdvisory = (contributions: KbContribution[], id: string) => contributions.filter((c) => advisoryOf(c) === id);
const fixed = (release: string, pkg: string, version: string, advisory: string) => ({
  ecosystem: 'deb',
  distro: 'debian',
  release,
  package: pkg,
  sourcePackage: true,
  status: 'fixed',
  advisory,
  fixedVersion: version,
  ranges: [{ introduced: '0', fixed: version }],
});

/** Entries as a plain regex reads them: header, then the indented lines up to the next header. */
function entriesOf(raw: string) {
  return [...raw.matchAll(/^\[[^\]]+\] ((?:DSA|DLA)-\d+-\d+) [^\n]*\n((?:[ \t][^\n]*\n?)*)/gm)].map((m) => ({
    advisory: m[1]!,
    cves: [...m[2]!.matchAll(/CVE-\d{4}-\d+/g)].map((c) => c[0]),
    fixes: [...m[2]!.matchAll(/^\s+\[([a-z]+)\] - (\S+) (\S+)/gm)].map((f) => ({ release: f[1]!, pkg: f[2]!, version: f[3]! })),
  }));
}

let dsa: { contributions: KbContribution[]; problems: KbImportProblem[] };
let dla: { contributions: KbContribution[]; problems: KbImportProblem[] };
let tmp: string;

beforeAll(async () => {
  dsa = await collect(DSA, 'list');
  dla = await collect(DLA, 'list');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-debian-tracker-'));
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const write = (name: string, content: string | Buffer) => {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
};

describe('debianTrackerImporter.detect', () => {
  it('recognises data/DSA/list and data/DLA/list, not OVAL', async () => {
    expect(debianTrackerImporter.detect({ fileName: 'list', head: await readHead(DSA) })).toBe(true);
    expect(debianTrackerImporter.detect({ fileName: 'DLA-list.subset', head: await readHead(DLA) })).toBe(true);
    const ubuntu = fixture('ubuntu', 'com.ubuntu.jammy.usn.oval.subset.xml');
    expect(debianTrackerImporter.detect({ fileName: path.basename(ubuntu), head: await readHead(ubuntu) })).toBe(false);
  });
});

describe('debianTrackerImporter on the DSA and DLA lists', () => {
  it('reads every entry (README: 400 DSA, 300 DLA), one contribution per (advisory, CVE), with no problems', () => {
    expect(dsa.problems).toEqual([]);
    expect(dla.problems).toEqual([]);
    expect(new Set(dsa.contributions.map(advisoryOf)).size).toBe(400);
    expect(new Set(dla.contributions.map(advisoryOf)).size).toBe(300);
    for (const [raw, result] of [
      [rawDsa, dsa],
      [rawDla, dla],
    ] as const) {
      const entries = entriesOf(raw);
      expect(entries.length).toBe((raw.match(/^\[/gm) ?? []).length);
      expect(result.contributions).toHaveLength(entries.reduce((n, e) => n + Math.max(1, new Set(e.cves).size), 0));
      expect(new Set(result.contributions.map((c) => c.recordId)).size).toBe(result.contributions.length);
    }
    expect(dsa.contributions.every((c) => c.source === 'debian-tracker' && c.aliases[0] === advisoryOf(c))).toBe(true);
  });

  it('DSA-5378-1 (xen, five CVEs), field by field', () => {
    const xen = ofAdvisory(dsa.contributions, 'DSA-5378-1');
    expect(xen.map((c) => c.key)).toEqual(['CVE-2022-23824', 'CVE-2022-42331', 'CVE-2022-42332', 'CVE-2022-42333', 'CVE-2022-42334']);
    expect(xen[4]).toEqual({
      source: 'debian-tracker',
      recordId: 'DSA-5378-1/CVE-2022-42334',
      key: 'CVE-2022-42334',
      aliases: ['DSA-5378-1', 'CVE-2022-42334'],
      title: 'DSA-5378-1 xen - security update',
      published: '2023-03-25',
      affected: [fixed('bullseye', 'xen', '4.14.5+94-ge49571868d-1', 'DSA-5378-1')],
    });
  });

  it('an entry with two releases (DSA-5196-1 libpgjava) states both fixes', () => {
    const entry = ofAdvisory(dsa.contributions, 'DSA-5196-1');
    expect(entry.map((c) => c.key)).toEqual(['CVE-2022-21724', 'CVE-2022-26520']);
    expect(entry[0]!.affected).toEqual([fixed('buster', 'libpgjava', '42.2.5-2+deb10u1', 'DSA-5196-1'), fixed('bullseye', 'libpgjava', '42.2.15-1+deb11u1', 'DSA-5196-1')]);
    expect(entry[0]!.published).toBe('2022-07-31');
  });

  it('sudo, openssl and nginx DLAs', () => {
    expect(ofAdvisory(dla.contributions, 'DLA-3272-1')).toEqual([
      {
        source: 'debian-tracker',
        recordId: 'DLA-3272-1/CVE-2023-22809',
        key: 'CVE-2023-22809',
        aliases: ['DLA-3272-1', 'CVE-2023-22809'],
        title: 'DLA-3272-1 sudo - security update',
        published: '2023-01-18',
        affected: [fixed('buster', 'sudo', '1.8.27-1+deb10u5', 'DLA-3272-1')],
      },
    ]);
    const openssl = ofAdvisory(dla.contributions, 'DLA-3325-1');
    expect(openssl.map((c) => c.key)).toEqual(['CVE-2022-2097', 'CVE-2022-4304', 'CVE-2022-4450', 'CVE-2023-0215', 'CVE-2023-0286']);
    expect(openssl[0]!.affected).toEqual([fixed('buster', 'openssl', '1.1.1n-0+deb10u4', 'DLA-3325-1')]);
    const nginx = ofAdvisory(dla.contributions, 'DLA-3203-1');
    expect(nginx.map((c) => c.key)).toEqual(['CVE-2021-3618', 'CVE-2022-41741', 'CVE-2022-41742']);
    expect(nginx[1]!.affected).toEqual([fixed('buster', 'nginx', '1.14.2-2+deb10u5', 'DLA-3203-1')]);
  });

  it('keys advisories without CVEs on the advisory id (regression updates, the stretch-lts end of life)', () => {
    expect(ofAdvisory(dsa.contributions, 'DSA-5356-2')).toEqual([
      {
        source: 'debian-tracker',
        recordId: 'DSA-5356-2',
        key: 'DSA-5356-2',
        aliases: ['DSA-5356-2'],
        title: 'DSA-5356-2 sox - regression update',
        published: '2023-03-17',
        affected: [fixed('bullseye', 'sox', '14.4.2+git20190427-2+deb11u2', 'DSA-5356-2')],
      },
    ]);
    // "[01 Jul 2022] DLA-3067-1 stretch-lts - end-of-life" + a NOTE line: no package, no CVE.
    expect(ofAdvisory(dla.contributions, 'DLA-3067-1')).toEqual([
      { source: 'debian-tracker', recordId: 'DLA-3067-1', key: 'DLA-3067-1', aliases: ['DLA-3067-1'], title: 'DLA-3067-1 stretch-lts - end-of-life', published: '2022-07-01', affected: [] },
    ]);
  });

  it('agrees with every "[release] - package version" line of the raw lists (independent regex)', () => {
    let checked = 0;
    for (const [raw, result] of [
      [rawDsa, dsa],
      [rawDla, dla],
    ] as const) {
      for (const entry of entriesOf(raw)) {
        const contributions = ofAdvisory(result.contributions, entry.advisory);
        expect(contributions.length).toBeGreaterThan(0);
        expect(contributions.map((c) => c.key).filter((k) => k.startsWith('CVE-'))).toEqual([...new Set(entry.cves)]);
        for (const c of contributions) {
          expect(c.affected!.map((a) => [a.release, a.package, a.fixedVersion])).toEqual(entry.fixes.map((f) => [f.release, f.pkg, f.version]));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(dsa.contributions.length + dla.contributions.length);
    // A handful, spelled out.
    expect(rawDsa).toContain('\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n');
    expect(ofAdvisory(dsa.contributions, 'DSA-5380-1')[0]!.affected![0]!.fixedVersion).toBe('2:1.20.11-1+deb11u6');
    expect(rawDsa).toContain('\t[bullseye] - emacs 1:27.1+1-3.1+deb11u2\n');
    expect(ofAdvisory(dsa.contributions, 'DSA-5360-1')[0]!.affected![0]!.fixedVersion).toBe('1:27.1+1-3.1+deb11u2');
    expect(rawDla).toContain('\t[buster] - curl 7.64.0-4+deb10u5\n');
    expect(ofAdvisory(dla.contributions, 'DLA-3341-1')[0]!.affected![0]!.fixedVersion).toBe('7.64.0-4+deb10u5');
  });
});

describe('debianTrackerImporter on unusual and damaged input', () => {
  it('reads a gzip-compressed copy the same way', async () => {
    const result = await collect(write('list.gz', gzipSync(readFileSync(DSA))), 'list');
    expect(result).toEqual(dsa);
  });

  it('handles markers, notes and bad lines per line, naming the line, and keeps the rest', async () => {
    const text = [
      // Real shapes from the upstream lists: markers instead of versions, NOTE lines.
      '[29 Mar 2023] DSA-5380-1 xorg-server - security update',
      '\t{CVE-2023-1393}',
      '\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6',
      '\t[buster] - xorg-server <not-affected> (Vulnerable code introduced later)',
      '\t[stretch] - xorg-server <end-of-life>',
      '\tNOTE: https://lists.x.org/archives/xorg-announce/2023-March/003374.html',
      '[32 Foo 2023] DSA-5381-1 broken - security update',
      '\t{CVE-2023-0001',
      '\t[bullseye] - broken <weird-marker>',
      '\tsomething unexpected',
      'garbage line that is not a header',
      '\t[bullseye] - orphan 1.0-1',
      '[25 Mar 2023] DSA-5378-1 xen - security update',
      '\t{CVE-2022-23824 CVE-2022-42331 }',
      '\t[bullseye] - xen 4.14.5+94-ge49571868d-1',
      '',
    ].join('\n');
    const result = await collect(write('list', text));
    expect(result.contributions.map((c) => c.recordId)).toEqual(['DSA-5380-1/CVE-2023-1393', 'DSA-5381-1', 'DSA-5378-1/CVE-2022-23824', 'DSA-5378-1/CVE-2022-42331']);
    expect(result.contributions[0]!.affected).toEqual([
      fixed('bullseye', 'xorg-server', '2:1.20.11-1+deb11u6', 'DSA-5380-1'),
      { ecosystem: 'deb', distro: 'debian', release: 'buster', package: 'xorg-server', sourcePackage: true, status: 'not-affected', advisory: 'DSA-5380-1' },
      { ecosystem: 'deb', distro: 'debian', release: 'stretch', package: 'xorg-server', sourcePackage: true, status: 'unfixed', advisory: 'DSA-5380-1' },
    ]);
    expect(result.contributions[1]).toMatchObject({ key: 'DSA-5381-1', affected: [] });
    expect(result.contributions[1]!.published).toBeUndefined();
    expect(result.problems).toEqual([
      { file: 'list', record: 'DSA-5381-1', message: 'line 7: invalid date "32 Foo 2023"' },
      { file: 'list', record: 'DSA-5381-1', message: 'line 8: unterminated "{…}" id list' },
      { file: 'list', record: 'DSA-5381-1', message: 'line 9: unknown marker <weird-marker> for [bullseye] broken; line ignored' },
      { file: 'list', record: 'DSA-5381-1', message: 'line 10: not understood ("something unexpected"); ignored' },
      { file: 'list', message: 'line 11: not an advisory header ("garbage line that is not a header"); lines up to the next header are skipped' },
    ]);
  });

  it('reports a repeated advisory once and keeps the first', async () => {
    const entry = '[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n';
    const result = await collect(write('list', entry + entry));
    expect(result.contributions).toHaveLength(1);
    expect(result.problems).toEqual([{ file: 'list', record: 'DSA-5380-1', message: 'line 4: DSA-5380-1 is listed more than once; the later entry was skipped' }]);
  });

  it('refuses a file that is not a tracker list, and a truncated .gz, naming the file', async () => {
    await expect(collect(write('not-a-list', 'hello\nworld\n'))).rejects.toThrow(/^not-a-list: no advisory header/);
    const gz = gzipSync(readFileSync(DLA));
    await expect(collect(write('DLA-list.gz', gz.subarray(0, Math.floor(gz.length / 2))))).rejects.toThrow(/^DLA-list\.gz: cannot decompress \(gzip\): .*\(damaged or truncated file, after line \d+\)$/);
  });
});
