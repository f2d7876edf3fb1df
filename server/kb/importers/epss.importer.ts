import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { KbContribution, KbEpssEntry, KbImporter, KbImportProblem } from '../kb-types';
import { openUpstreamFile } from './open-upstream-file';
import { CVE_ID } from './importer-utils';

/**
 * EPSS scores, two layouts:
 * - FIRST's own daily file (`epss_scores-YYYY-MM-DD.csv[.gz]`):
 *     #model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z
 *     cve,epss,percentile
 *     CVE-2013-1675,0.02572,0.84954
 * - EMBA's per-year files (`CVE_YYYY_EPSS.csv`), built by EMBA's crawler from FIRST's API:
 *     CVE-1999-1493;0.054670000;0.920650000
 *   with no header and no date (see embaScoreDate).
 * Both are streamed line by line; one contribution per row.
 */

/** Real lines are < 100 bytes; a longer one means a wrong or hostile file (no newline in a bomb). */
const MAX_LINE_BYTES = 64 * 1024;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const FIRST_HEAD = /^(?:#[^\n]*\r?\n)*\s*cve\s*,\s*epss\s*,\s*percentile\s*(?:\r?\n|$)/i;
const EMBA_ROW = /^CVE-\d{4}-\d{4,};\s*[0-9.eE+-]+\s*;\s*[0-9.eE+-]+\s*$/;
const EMBA_FILE_NAME = /^CVE_\d{4}_EPSS.*\.csv(?:\.gz|\.bz2)?$/i;

type ProblemSink = (problem: KbImportProblem) => void;

/** YYYY-MM-DD that names a real calendar day. */
function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The first real calendar date (YYYY-MM-DD) written in a file name, if any. */
function dateInFileName(fileName: string): string | undefined {
  for (const match of fileName.matchAll(/(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)/g)) if (isCalendarDate(match[1]!)) return match[1];
  return undefined;
}

/**
 * Splits a (decompressed) byte stream into lines (`\n` or `\r\n`, BOM dropped). Works like
 * readline, but a line longer than MAX_LINE_BYTES is an error instead of unbounded buffering.
 */
async function* readLines(stream: Readable, fileName: string): AsyncGenerator<{ line: string; number: number }> {
  let pending = Buffer.alloc(0);
  let number = 0;
  const decode = (bytes: Buffer) => {
    let line = bytes.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (number === 1 && line.startsWith('\uFEFF')) line = line.slice(1);
    return line;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let newline: number;
    while ((newline = data.indexOf(0x0a)) !== -1) {
      number += 1;
      if (newline > MAX_LINE_BYTES) throw new Error(`${fileName}: line ${number} is longer than ${MAX_LINE_BYTES} bytes; not an EPSS CSV`);
      yield { line: decode(data.subarray(0, newline)), number };
      data = data.subarray(newline + 1);
    }
    if (data.length > MAX_LINE_BYTES) throw new Error(`${fileName}: line ${number + 1} is longer than ${MAX_LINE_BYTES} bytes; not an EPSS CSV`);
    pending = Buffer.from(data);
  }
  if (pending.length) {
    number += 1;
    yield { line: decode(pending), number };
  }
}

/** A score or percentile: a plain decimal (or exponent) number in [0, 1]. */
function probability(raw: string | undefined): number | null {
  const value = raw?.trim() ?? '';
  if (!NUMBER.test(value)) return null;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 && number <= 1 ? number : null;
}

/** Validates one row; reports and returns null when it is not usable. */
function rowToContribution(fields: { cve?: string; epss?: string; percentile?: string }, where: { fileName: string; line: number }, meta: { date: string; modelVersion?: string; recordPrefix?: string }, seen: Set<string>, onProblem: ProblemSink): KbContribution | null {
  const cve = fields.cve?.trim() ?? '';
  const record = CVE_ID.test(cve) ? cve : `line ${where.line}`;
  const reject = (message: string) => {
    onProblem({ file: where.fileName, record, message: `line ${where.line}: ${message}; row skipped` });
    return null;
  };
  if (!CVE_ID.test(cve)) return reject(`invalid CVE id ${JSON.stringify(cve.slice(0, 80))}`);
  const score = probability(fields.epss);
  if (score === null) return reject(`EPSS score ${JSON.stringify((fields.epss ?? '').slice(0, 80))} is not a number in [0,1]`);
  const percentile = probability(fields.percentile);
  if (percentile === null) return reject(`percentile ${JSON.stringify((fields.percentile ?? '').slice(0, 80))} is not a number in [0,1]`);
  if (seen.has(cve)) return reject('CVE listed twice in this file (the first row is kept)');
  seen.add(cve);
  const epss: KbEpssEntry = { score, percentile, date: meta.date };
  if (meta.modelVersion) epss.modelVersion = meta.modelVersion;
  // EMBA rows get records of their own, so a FIRST file and an EMBA file never overwrite each
  // other back and forth; the merge shows the most recent score.
  return { source: 'epss', recordId: `${meta.recordPrefix ?? ''}${cve}`, key: cve, aliases: [cve], epss };
}

function open(filePath: string, fileName: string): Readable {
  try {
    return openUpstreamFile(filePath);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.includes(fileName) ? message : `${fileName}: ${message}`);
  }
}

function nameFileIn(error: unknown, fileName: string): Error {
  const message = (error as Error).message;
  return message.includes(fileName) ? (error as Error) : new Error(`${fileName}: ${message}`);
}

/** `#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z` → its key/value pairs. */
function parseFirstComment(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.replace(/^#/, '').split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) out[part.slice(0, colon).trim().toLowerCase()] = part.slice(colon + 1).trim();
  }
  return out;
}

async function* parseFirst(input: { filePath: string; fileName: string; onProblem: ProblemSink }): AsyncGenerator<KbContribution> {
  const { filePath, fileName, onProblem } = input;
  const stream = open(filePath, fileName);
  const seen = new Set<string>();
  let columns: { cve: number; epss: number; percentile: number; count: number } | undefined;
  let comment: Record<string, string> = {};
  let meta: { date: string; modelVersion?: string } | undefined;
  try {
    for await (const { line, number } of readLines(stream, fileName)) {
      if (line.trim() === '') continue;
      if (!columns) {
        if (line.startsWith('#')) {
          comment = { ...comment, ...parseFirstComment(line) };
          continue;
        }
        const header = line.split(',').map((name) => name.trim().toLowerCase());
        const [cve, epss, percentile] = [header.indexOf('cve'), header.indexOf('epss'), header.indexOf('percentile')];
        if (cve < 0 || epss < 0 || percentile < 0) throw new Error(`${fileName}: not a FIRST EPSS CSV: line ${number} should be the header "cve,epss,percentile"`);
        columns = { cve, epss, percentile, count: header.length };
        // The score date: FIRST's comment line; files before 2022-02 had none, then the file name.
        const scoreDate = comment.score_date?.slice(0, 10);
        const date = scoreDate && isCalendarDate(scoreDate) ? scoreDate : dateInFileName(fileName);
        if (!date) throw new Error(`${fileName}: no score date (no "#…score_date:" line and no YYYY-MM-DD in the file name)`);
        meta = { date, ...(comment.model_version ? { modelVersion: comment.model_version } : {}) };
        continue;
      }
      if (line.startsWith('#')) continue;
      const fields = line.split(',');
      if (fields.length !== columns.count) {
        onProblem({ file: fileName, record: `line ${number}`, message: `line ${number}: ${fields.length} columns, expected ${columns.count}; row skipped` });
        continue;
      }
      const contribution = rowToContribution({ cve: fields[columns.cve], epss: fields[columns.epss], percentile: fields[columns.percentile] }, { fileName, line: number }, meta!, seen, onProblem);
      if (contribution) yield contribution;
    }
  } catch (error) {
    throw nameFileIn(error, fileName);
  } finally {
    stream.destroy();
  }
  if (!columns) throw new Error(`${fileName}: not a FIRST EPSS CSV: no "cve,epss,percentile" header`);
}

/**
 * EMBA's files carry no date. A date written in the file name (e.g. `CVE_2024_EPSS.2026-08-16.csv`,
 * as the mirror job can name them) wins; otherwise the file's modification time (UTC day) is
 * used — that is when the file was downloaded/refreshed, which approximates the day FIRST
 * computed the scores but can be later (a stale copy keeps being dated by its mtime).
 */
function embaScoreDate(filePath: string, fileName: string): string {
  return dateInFileName(fileName) ?? statSync(filePath).mtime.toISOString().slice(0, 10);
}

async function* parseEmba(input: { filePath: string; fileName: string; onProblem: ProblemSink }): AsyncGenerator<KbContribution> {
  const { filePath, fileName, onProblem } = input;
  const stream = open(filePath, fileName);
  const meta = { date: embaScoreDate(filePath, fileName), recordPrefix: 'emba/' };
  const seen = new Set<string>();
  let rows = 0;
  try {
    for await (const { line, number } of readLines(stream, fileName)) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const fields = line.split(';');
      if (fields.length !== 3) {
        // The first line decides whether this is an EMBA file at all (an HTML error page is not).
        if (rows === 0) throw new Error(`${fileName}: not an EMBA EPSS file: line ${number} is not "CVE-…;epss;percentile"`);
        onProblem({ file: fileName, record: `line ${number}`, message: `line ${number}: ${fields.length} fields, expected 3 (CVE;epss;percentile); row skipped` });
        continue;
      }
      rows += 1;
      const contribution = rowToContribution({ cve: fields[0], epss: fields[1], percentile: fields[2] }, { fileName, line: number }, meta, seen, onProblem);
      if (contribution) yield contribution;
    }
  } catch (error) {
    throw nameFileIn(error, fileName);
  } finally {
    stream.destroy();
  }
}

function firstLine(head: string): string {
  const newline = head.indexOf('\n');
  return (newline === -1 ? head : head.slice(0, newline)).replace(/^\uFEFF/, '').replace(/\r$/, '');
}

export const firstEpssImporter: KbImporter = {
  format: 'first-epss-csv',
  source: 'epss',
  detect({ head }) {
    const text = head.replace(/^\uFEFF/, '');
    return text.startsWith('#model_version:') || FIRST_HEAD.test(text);
  },
  parse(input) {
    return parseFirst(input);
  },
};

export const embaEpssImporter: KbImporter = {
  format: 'emba-epss-csv',
  source: 'epss',
  detect({ fileName, head }) {
    const line = firstLine(head);
    // Content decides; the EMBA name alone is enough only for an empty file (nothing to misread).
    return EMBA_ROW.test(line) || (EMBA_FILE_NAME.test(fileName) && head.trim() === '');
  },
  parse(input) {
    return parseEmba(input);
  },
};
