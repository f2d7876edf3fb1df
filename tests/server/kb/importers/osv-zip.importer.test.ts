import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_IMPORTERS } from '../../../../server/kb/importers/kb-importers';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import { osvJsonImporter } from '../../../../server/kb/importers/osv.importer';
import { osvZipImporter } from '../../../../server/kb/importers/osv-zip.importer';
import type { KbContribution } from '../../../../server/kb/kb-types';
import { collect } from '../../../helpers/kb-importers';
import { fixture } from '../../../helpers/fixtures';
import { entriesOf, osvFixtureJsonFiles, writeZip } from '../osv-zip-archives';

let tmp: string;
const files = osvFixtureJsonFiles('go', 'crates.io', 'bitnami', 'psf', 'almalinux', 'samples-via-vuls-data-update');
const byRecord = (a: KbContribution, b: KbContribution) => a.recordId.localeCompare(b.recordId);

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-osv-zip-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('OSV ecosystem archives (all.zip)', () => {
  it('is detected by its magic bytes, by exactly one importer', async () => {
    const zip = await writeZip(path.join(tmp, 'all.zip'), entriesOf(files.slice(0, 3)));
    const empty = await writeZip(path.join(tmp, 'empty.zip'), []);
    for (const file of [zip, empty]) {
      const head = await readHead(file);
      expect(KB_IMPORTERS.filter((importer) => importer.detect({ fileName: path.basename(file), head })).map((i) => i.format)).toEqual(['osv-zip']);
    }
    const osvJson = await readHead(files[0]!);
    expect(osvZipImporter.detect({ fileName: 'x.json', head: osvJson })).toBe(false);
  });

  it('yields exactly what importing the same files one by one yields', async () => {
    expect(files.length).toBeGreaterThan(400);
    const zip = await writeZip(path.join(tmp, 'all.zip'), entriesOf(files));
    const fromZip = await collect(osvZipImporter, zip);
    expect(fromZip.error).toBeUndefined();
    const direct: KbContribution[] = [];
    const directProblems: string[] = [];
    for (const file of files) {
      const one = await collect(osvJsonImporter, file);
      expect(one.error).toBeUndefined();
      direct.push(...one.contributions);
      directProblems.push(...one.problems.map((p) => `${p.record}: ${p.message}`));
    }
    expect(fromZip.contributions.length).toBe(direct.length);
    expect([...fromZip.contributions].sort(byRecord)).toEqual([...direct].sort(byRecord));
    // Record-level problems are the same, named by archive and entry.
    expect(fromZip.problems.map((p) => `${p.record}: ${p.message}`).sort()).toEqual(directProblems.sort());
    for (const problem of fromZip.problems) expect(problem.file).toMatch(/^all\.zip\/[^/]+\.json$/);
  }, 60_000);

  it('reads an empty archive as no records', async () => {
    const result = await collect(osvZipImporter, await writeZip(path.join(tmp, 'empty.zip'), []));
    expect(result).toEqual({ contributions: [], problems: [], error: undefined });
  });

  it('reports a bad entry by name and imports the rest of the archive', async () => {
    const good = entriesOf(files.slice(0, 5));
    const zip = await writeZip(path.join(tmp, 'mixed.zip'), [
      ...good.slice(0, 2),
      { name: 'GO-2099-0001.json', data: '{"id": "GO-2099-0001", "affected": [' },
      { name: 'README.txt', data: 'not a record' },
      { name: 'docs/', data: '' },
      { name: 'NOID-1.json', data: '{"summary": "no id"}' },
      ...good.slice(2),
    ]);
    const result = await collect(osvZipImporter, zip);
    expect(result.error).toBeUndefined();
    const expected = (await Promise.all(files.slice(0, 5).map((file) => collect(osvJsonImporter, file)))).flatMap((r) => r.contributions);
    expect(result.contributions.map((c) => c.recordId).sort()).toEqual(expected.map((c) => c.recordId).sort());
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { file: 'mixed.zip', record: 'GO-2099-0001.json', message: expect.stringMatching(/^not valid JSON: .*; entry skipped$/) },
        { file: 'mixed.zip', record: 'README.txt', message: 'not an OSV record (neither .json nor .yaml); entry skipped' },
        { file: 'mixed.zip/NOID-1.json', message: 'OSV record without an "id"; record skipped' },
      ]),
    );
    expect(result.problems).toHaveLength(3);
  });

  it('reads YAML entries (the PyPA layout) with the same parser', async () => {
    const file = fixture('osv', 'pypi', 'vulns', 'apache-skywalking', 'PYSEC-2020-342.yaml');
    const zip = await writeZip(path.join(tmp, 'pypa.zip'), [{ name: path.basename(file), data: readFileSync(file) }]);
    const [fromZip, direct] = await Promise.all([collect(osvZipImporter, zip), collect(KB_IMPORTERS.find((i) => i.format === 'osv-yaml')!, file)]);
    expect(fromZip.contributions.length).toBeGreaterThan(0);
    expect(fromZip.contributions).toEqual(direct.contributions);
  });

  it('rejects a truncated archive whole, naming the file', async () => {
    const zip = await writeZip(path.join(tmp, 'whole.zip'), entriesOf(files.slice(0, 20)));
    const bytes = readFileSync(zip);
    const truncated = path.join(tmp, 'truncated.zip');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = await collect(osvZipImporter, truncated);
    expect(result.contributions).toEqual([]);
    expect(result.error?.message).toMatch(/^truncated\.zip: not a readable zip archive: /);
  });

  it('rejects an archive whose entry data was altered (CRC-32 mismatch)', async () => {
    const zip = await writeZip(path.join(tmp, 'stored.zip'), entriesOf(files.slice(0, 3)), { store: true });
    const bytes = readFileSync(zip);
    const text = bytes.toString('latin1');
    const at = text.indexOf('"id"', text.indexOf('"id"') + 1) + 1; // inside the second entry's data
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x20, at);
    const damaged = path.join(tmp, 'damaged.zip');
    writeFileSync(damaged, bytes);
    const result = await collect(osvZipImporter, damaged);
    expect(result.error?.message).toMatch(/^damaged\.zip: damaged zip archive: entry .+\.json: CRC-32 mismatch/);
  });

  it('rejects an archive whose deflated data is corrupt', async () => {
    const zip = await writeZip(path.join(tmp, 'deflated.zip'), entriesOf(files.slice(0, 3)));
    const bytes = readFileSync(zip);
    for (let at = 60; at < 200; at += 7) bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at); // the first entry's deflate stream
    const corrupt = path.join(tmp, 'corrupt.zip');
    writeFileSync(corrupt, bytes);
    const result = await collect(osvZipImporter, corrupt);
    expect(result.error?.message).toMatch(/^corrupt\.zip: damaged zip archive: /);
  });

  it('skips an entry larger than one OSV record may be, and goes on', async () => {
    const huge = Buffer.alloc(64 * 1024 * 1024 + 1, 0x20);
    const zip = await writeZip(path.join(tmp, 'huge.zip'), [{ name: 'HUGE-1.json', data: huge }, ...entriesOf(files.slice(0, 1))]);
    const result = await collect(osvZipImporter, zip);
    expect(result.error).toBeUndefined();
    expect(result.problems).toEqual([{ file: 'huge.zip', record: 'HUGE-1.json', message: '67108865 bytes, larger than the 67108864-byte limit of one OSV record; entry skipped' }]);
    expect(result.contributions.length).toBeGreaterThan(0);
  }, 30_000);
});
