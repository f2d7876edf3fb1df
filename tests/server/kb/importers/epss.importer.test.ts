import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embaEpssImporter, firstEpssImporter } from '../../../../server/kb/importers/epss.importer';
import { kevImporter } from '../../../../server/kb/importers/kev.importer';
import { nvdImporter } from '../../../../server/kb/importers/nvd.importer';
import { readHead } from '../../../../server/kb/importers/open-upstream-file';
import type { KbContribution, KbImportProblem } from '../../../../server/kb/kb-types';
import { fixture } from '../../../helpers/fixtures';
import { collect } from '../../../helpers/kb-importers';

const FIRST_FILE = fixture('epss', 'epss_scores-2025-08-25.subset.csv');
const EMBA_DIR = fixture('epss', 'emba-derived');
const EMBA_FILES = readdirSync(EMBA_DIR).sort();


const mtimeDay = (file: string) => statSync(file).mtime.toISOString().slice(0, 10);

let tmp: string;
let first: Awaited<ReturnType<typeof collect>>;
const emba: KbContribution[] = [];
const embaProblems: KbImportProblem[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-epss-importer-'));
  first = await collect(firstEpssImporter, FIRST_FILE);
  for (const name of EMBA_FILES) {
    const result = await collect(embaEpssImporter, path.join(EMBA_DIR, name));
    if (result.error) throw result.error;
    emba.push(...result.contributions);
    embaProblems.push(...result.problems);
  }
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('firstEpssImporter on the real FIRST file (2025-08-25, model v2025.03.14)', () => {
  it('yields 31 rows with the date and model version from the #model_version line', () => {
    expect(first.error).toBeUndefined();
    expect(first.problems).toEqual([]);
    expect(first.contributions).toHaveLength(31);
    expect(new Set(first.contributions.map((c) => c.key)).size).toBe(31);
    for (const c of first.contributions) {
      expect(c).toMatchObject({ source: 'epss', recordId: c.key, aliases: [c.key], epss: { date: '2025-08-25', modelVersion: 'v2025.03.14' } });
      expect(c.epss!.score).toBeGreaterThanOrEqual(0);
      expect(c.epss!.percentile).toBeLessThanOrEqual(1);
    }
  });

  it('reads rows field by field', () => {
    expect(first.contributions[0]).toEqual({ source: 'epss', recordId: 'CVE-2013-1675', key: 'CVE-2013-1675', aliases: ['CVE-2013-1675'], epss: { score: 0.02572, percentile: 0.84954, date: '2025-08-25', modelVersion: 'v2025.03.14' } });
    expect(first.contributions.find((c) => c.key === 'CVE-2014-0160')!.epss).toEqual({ score: 0.94436, percentile: 0.99985, date: '2025-08-25', modelVersion: 'v2025.03.14' });
    expect(first.contributions.find((c) => c.key === 'CVE-2024-6387')!.epss).toEqual({ score: 0.73412, percentile: 0.98746, date: '2025-08-25', modelVersion: 'v2025.03.14' });
  });
});

describe('embaEpssImporter on the real EMBA per-year files', () => {
  it('yields 2072 rows from the 28 files, no problems, dated by file mtime (no date in the file or its name)', () => {
    expect(EMBA_FILES).toHaveLength(28);
    expect(embaProblems).toEqual([]);
    expect(emba).toHaveLength(2072);
    expect(new Set(emba.map((c) => c.key)).size).toBe(2072);
    const dates = new Set(EMBA_FILES.map((name) => mtimeDay(path.join(EMBA_DIR, name))));
    for (const c of emba) {
      expect(c.source).toBe('epss');
      expect(c.recordId).toBe(`emba/${c.key}`);
      expect(c.epss!.modelVersion).toBeUndefined();
      expect(dates.has(c.epss!.date)).toBe(true);
    }
  });

  it('reads rows field by field (9-digit decimals, percentile exactly 1 allowed)', () => {
    expect(emba[0]).toEqual({ source: 'epss', recordId: 'emba/CVE-1999-1493', key: 'CVE-1999-1493', aliases: ['CVE-1999-1493'], epss: { score: 0.05467, percentile: 0.92065, date: mtimeDay(path.join(EMBA_DIR, 'CVE_1999_EPSS.subset.csv')) } });
    expect(emba.find((c) => c.key === 'CVE-2014-0160')!.epss).toMatchObject({ score: 0.99999, percentile: 0.99997 });
    expect(emba.find((c) => c.key === 'CVE-2021-44228')!.epss).toMatchObject({ score: 0.99999, percentile: 1 });
  });

  it('prefers a YYYY-MM-DD in the file name over the mtime', async () => {
    const file = path.join(tmp, 'CVE_1999_EPSS.2026-08-16.csv');
    copyFileSync(path.join(EMBA_DIR, 'CVE_1999_EPSS.subset.csv'), file);
    utimesSync(file, new Date('2027-01-02T03:04:05Z'), new Date('2027-01-02T03:04:05Z'));
    const result = await collect(embaEpssImporter, file);
    expect(result.contributions).toHaveLength(38);
    expect(new Set(result.contributions.map((c) => c.epss!.date))).toEqual(new Set(['2026-08-16']));
    const plain = path.join(tmp, 'CVE_1999_EPSS.csv');
    copyFileSync(file, plain);
    utimesSync(plain, new Date('2027-01-02T03:04:05Z'), new Date('2027-01-02T03:04:05Z'));
    expect((await collect(embaEpssImporter, plain)).contributions[0]!.epss!.date).toBe('2027-01-02');
  });
});

describe('EPSS detection', () => {
  it('each EPSS layout is claimed by its own importer only', async () => {
    const firstHead = await readHead(FIRST_FILE);
    expect(firstEpssImporter.detect({ fileName: path.basename(FIRST_FILE), head: firstHead })).toBe(true);
    expect(embaEpssImporter.detect({ fileName: path.basename(FIRST_FILE), head: firstHead })).toBe(false);
    for (const name of EMBA_FILES) {
      const head = await readHead(path.join(EMBA_DIR, name));
      expect(embaEpssImporter.detect({ fileName: name, head }), name).toBe(true);
      expect(firstEpssImporter.detect({ fileName: name, head }), name).toBe(false);
      for (const other of [nvdImporter, kevImporter]) expect(other.detect({ fileName: name, head })).toBe(false);
    }
    for (const other of [nvdImporter, kevImporter]) expect(other.detect({ fileName: path.basename(FIRST_FILE), head: firstHead })).toBe(false);
  });

  it('claims no NVD, KEV or Debian tracker fixture', async () => {
    const files = [...readdirSync(fixture('nvd')).map((n) => fixture('nvd', n)), fixture('kev', 'known_exploited_vulnerabilities.subset.json'), fixture('debian', 'tracker-raw', 'DSA-list.subset'), fixture('debian', 'tracker-raw', 'DLA-list.subset')];
    for (const file of files) {
      const head = await readHead(file);
      expect(firstEpssImporter.detect({ fileName: path.basename(file), head }), file).toBe(false);
      expect(embaEpssImporter.detect({ fileName: path.basename(file), head }), file).toBe(false);
    }
  });

  it('accepts the pre-2022 FIRST layout (no comment line)', () => {
    expect(firstEpssImporter.detect({ fileName: 'epss_scores-2021-12-01.csv', head: 'cve,epss,percentile\nCVE-1999-0001,0.00863,0.52225\n' })).toBe(true);
  });
});

describe('EPSS importers on hostile input', () => {
  it('reads FIRST .csv.gz the same as the plain file', async () => {
    const gz = path.join(tmp, 'epss_scores-2025-08-25.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(FIRST_FILE)));
    expect(firstEpssImporter.detect({ fileName: path.basename(gz), head: await readHead(gz) })).toBe(true);
    const result = await collect(firstEpssImporter, gz);
    expect(result.error).toBeUndefined();
    expect(result.contributions).toEqual(first.contributions);
  });

  it('takes the date from the file name when the comment line is missing, and handles CRLF', async () => {
    const file = path.join(tmp, 'epss_scores-2021-12-01.csv');
    writeFileSync(file, 'cve,epss,percentile\r\nCVE-1999-0001,0.00863,0.52225\r\nCVE-1999-0002,4e-05,0.0001\r\n');
    const result = await collect(firstEpssImporter, file);
    expect(result.problems).toEqual([]);
    expect(result.contributions.map((c) => c.epss)).toEqual([
      { score: 0.00863, percentile: 0.52225, date: '2021-12-01' },
      { score: 0.00004, percentile: 0.0001, date: '2021-12-01' },
    ]);
  });

  it('reports and skips malformed rows, keeps the good ones', async () => {
    const file = path.join(tmp, 'epss_scores-2025-08-25.csv');
    writeFileSync(
      file,
      [
        '#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z',
        'cve,epss,percentile',
        'CVE-2013-1675,0.02572,0.84954',
        'CVE-13-1690,0.48488,0.97662',
        'CVE-2013-1775,1.5,0.83829',
        'CVE-2013-1776,abc,0.14974',
        'CVE-2013-1795,0.02115,-0.1',
        'CVE-2013-1862,NaN,0.96511',
        'CVE-2013-1896,0.36055',
        'CVE-2013-1914,0x1,0.84525',
        'CVE-2013-1675,0.1,0.2',
        '',
        'CVE-2013-2028,0.92269,0.99708',
      ].join('\n'),
    );
    const result = await collect(firstEpssImporter, file);
    expect(result.error).toBeUndefined();
    expect(result.contributions.map((c) => c.key)).toEqual(['CVE-2013-1675', 'CVE-2013-2028']);
    expect(result.problems).toEqual([
      { file: 'epss_scores-2025-08-25.csv', record: 'line 4', message: 'line 4: invalid CVE id "CVE-13-1690"; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'CVE-2013-1775', message: 'line 5: EPSS score "1.5" is not a number in [0,1]; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'CVE-2013-1776', message: 'line 6: EPSS score "abc" is not a number in [0,1]; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'CVE-2013-1795', message: 'line 7: percentile "-0.1" is not a number in [0,1]; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'CVE-2013-1862', message: 'line 8: EPSS score "NaN" is not a number in [0,1]; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'line 9', message: 'line 9: 2 columns, expected 3; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'CVE-2013-1914', message: 'line 10: EPSS score "0x1" is not a number in [0,1]; row skipped' },
      { file: 'epss_scores-2025-08-25.csv', record: 'CVE-2013-1675', message: 'line 11: CVE listed twice in this file (the first row is kept); row skipped' },
    ]);
  });

  it('reports and skips malformed EMBA rows', async () => {
    const file = path.join(tmp, 'CVE_2024_EPSS.csv');
    writeFileSync(file, 'CVE-2024-9537;0.038260000;0.891700000\nCVE-2024-9474;2;0.998530000\nCVE2024-9473;0.002870000;0.212200000\nCVE-2024-9465;0.996090000\nCVE-2024-9463;0.984940000;0.999170000\n');
    const result = await collect(embaEpssImporter, file);
    expect(result.contributions.map((c) => c.key)).toEqual(['CVE-2024-9537', 'CVE-2024-9463']);
    expect(result.problems.map((p) => p.message)).toEqual([
      'line 2: EPSS score "2" is not a number in [0,1]; row skipped',
      'line 3: invalid CVE id "CVE2024-9473"; row skipped',
      'line 4: 2 fields, expected 3 (CVE;epss;percentile); row skipped',
    ]);
  });

  it('throws naming the file for garbage behind a gzip magic number', async () => {
    const gz = path.join(tmp, 'epss_scores-2025-08-26.csv.gz');
    writeFileSync(gz, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('garbage, not deflate '.repeat(100))]));
    expect((await collect(firstEpssImporter, gz)).error?.message).toMatch(/epss_scores-2025-08-26\.csv\.gz: cannot decompress \(gzip\)/);
  });

  it('stops a gzip bomb-ish file (16 MiB without a newline) at the line-length cap', async () => {
    const gz = path.join(tmp, 'CVE_2025_EPSS.csv.gz');
    writeFileSync(gz, gzipSync(Buffer.concat([Buffer.from('CVE-2025-0001;0.1;0.2'), Buffer.alloc(16 * 1024 * 1024, 0x30)]), { level: 9 }));
    // Its first 4 KiB look like an EMBA row, so it is detected; the parser then refuses it.
    expect(embaEpssImporter.detect({ fileName: 'CVE_2025_EPSS.csv.gz', head: await readHead(gz) })).toBe(true);
    const result = await collect(embaEpssImporter, gz);
    expect(result.contributions).toEqual([]);
    expect(result.error?.message).toBe('CVE_2025_EPSS.csv.gz: line 1 is longer than 65536 bytes; not an EPSS CSV');
  });

  it('does not detect an HTML error page, and parsing one throws naming the file', async () => {
    const file = path.join(tmp, 'CVE_2023_EPSS.csv');
    writeFileSync(file, '<html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n');
    const head = await readHead(file);
    expect(embaEpssImporter.detect({ fileName: 'CVE_2023_EPSS.csv', head })).toBe(false);
    expect(firstEpssImporter.detect({ fileName: 'CVE_2023_EPSS.csv', head })).toBe(false);
    expect((await collect(embaEpssImporter, file)).error?.message).toBe('CVE_2023_EPSS.csv: not an EMBA EPSS file: line 1 is not "CVE-…;epss;percentile"');
    const firstHtml = path.join(tmp, 'epss_scores-current.csv');
    writeFileSync(firstHtml, '<html><body>Service Unavailable</body></html>\n');
    expect((await collect(firstEpssImporter, firstHtml)).error?.message).toBe('epss_scores-current.csv: not a FIRST EPSS CSV: line 1 should be the header "cve,epss,percentile"');
  });

  it('refuses a FIRST file with no date anywhere', async () => {
    const file = path.join(tmp, 'scores.csv');
    writeFileSync(file, 'cve,epss,percentile\nCVE-1999-0001,0.1,0.2\n');
    expect((await collect(firstEpssImporter, file)).error?.message).toBe('scores.csv: no score date (no "#…score_date:" line and no YYYY-MM-DD in the file name)');
  });
});
