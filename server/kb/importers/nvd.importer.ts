import { pipeline, Transform, type Readable } from 'node:stream';
import StreamJson from 'stream-json';
import StreamPick from 'stream-json/filters/Pick';
import StreamArray from 'stream-json/streamers/StreamArray';
import type { KbAffectedPackage, KbContribution, KbCvss, KbImporter, KbImportProblem, KbReference, KbVersionRange } from '../kb-types';
import { openUpstreamFile } from './open-upstream-file';
import { CVE_ID } from './importer-utils';

/**
 * NVD CVE API 2.0 responses (`{"format":"NVD_CVE","version":"2.0","vulnerabilities":[{"cve":…}]}`):
 * API pages, and the vulnz / DependencyCheck cache files (`nvdcve-YYYY.json[.gz]`,
 * `nvdcve-modified.json[.gz]`), which are API responses concatenated into one document.
 * Year files are ~100 MB, so the `vulnerabilities` array is streamed one CVE at a time.
 */

const MAX_DESCRIPTION_BYTES = 64 * 1024;
const NVD_FORMAT_IN_HEAD = /"format"\s*:\s*"NVD_CVE"/;
const CVSS_KEYS = [
  ['cvssMetricV2', '2.0'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV40', '4.0'],
] as const;

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A trimmed non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Caps a string at `maxBytes` of UTF-8 without splitting a character; marks the cut with `…`. */
export function capUtf8(value: string, maxBytes = MAX_DESCRIPTION_BYTES): string {
  if (value.length * 3 <= maxBytes || Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
  const cut = Buffer.from(value, 'utf8').subarray(0, maxBytes - 3).toString('utf8');
  return `${cut.replace(/\uFFFD+$/, '')}…`;
}

/**
 * NVD timestamps are UTC without a zone (`2024-07-01T13:15:06.467`). Returns the ISO form
 * (`2024-07-01T13:15:06.467Z`), or null when the value is not a real date-time.
 */
function nvdTimestamp(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  // The calendar check is done on the wall-clock fields: JS Date rolls 02-30 over to 03-02.
  const wall = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (wall.getUTCFullYear() !== Number(y) || wall.getUTCMonth() !== Number(mo) - 1 || wall.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const parsed = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${zone}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

/** Splits a CPE 2.3 formatted string on unescaped colons (`net\:\:dns` is one component). */
export function splitCpe23(cpe: string): string[] | null {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < cpe.length; i += 1) {
    const ch = cpe[i]!;
    if (ch === '\\') {
      if (i + 1 >= cpe.length) return null;
      current += ch + cpe[i + 1]!;
      i += 1;
    } else if (ch === ':') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (parts.length !== 13 || parts[0] !== 'cpe' || parts[1] !== '2.3' || !/^[aoh*-]$/.test(parts[2]!)) return null;
  if (parts.slice(2).some((part) => part === '')) return null;
  return parts;
}

/** Removes CPE 2.3 quoting (`12.1\(11\)e` → `12.1(11)e`). */
function unquoteCpe(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function parseCvss(metrics: unknown, problem: (message: string) => void): KbCvss[] {
  if (!isObject(metrics)) return [];
  const out: KbCvss[] = [];
  for (const [key, version] of CVSS_KEYS) {
    arrayOf(metrics[key]).forEach((metric, i) => {
      const data = isObject(metric) ? metric.cvssData : undefined;
      if (!isObject(metric) || !isObject(data)) return problem(`${key}[${i}]: no cvssData; metric skipped`);
      const vector = text(data.vectorString);
      const baseScore = data.baseScore;
      if (!vector) return problem(`${key}[${i}]: no vectorString; metric skipped`);
      if (typeof baseScore !== 'number' || !Number.isFinite(baseScore) || baseScore < 0 || baseScore > 10) return problem(`${key}[${i}]: baseScore ${JSON.stringify(baseScore)} is not a number in [0,10]; metric skipped`);
      const declared = text(data.version);
      if (declared && declared !== version) return problem(`${key}[${i}]: cvssData.version ${JSON.stringify(declared)} does not match ${key}; metric skipped`);
      const entry: KbCvss = { version, vector, baseScore };
      // v2 keeps baseSeverity next to cvssData; v3.x and v4.0 inside it.
      const severity = text(metric.baseSeverity) ?? text(data.baseSeverity);
      const scoredBy = text(metric.source);
      const type = text(metric.type);
      if (severity) entry.severity = severity;
      if (scoredBy) entry.scoredBy = scoredBy;
      if (type) entry.type = type;
      out.push(entry);
    });
  }
  return out;
}

function parseCwes(weaknesses: unknown): string[] {
  const cwes = new Set<string>();
  for (const weakness of arrayOf(weaknesses)) {
    if (!isObject(weakness)) continue;
    for (const description of arrayOf(weakness.description)) {
      const value = isObject(description) ? text(description.value) : undefined;
      // NVD-CWE-Other / NVD-CWE-noinfo are placeholders, not weaknesses.
      if (value && /^CWE-\d+$/.test(value)) cwes.add(value);
    }
  }
  return [...cwes];
}

/** References de-duplicated by URL (NVD lists a URL once per submitting source), tags merged. */
function parseReferences(references: unknown): KbReference[] {
  const byUrl = new Map<string, KbReference>();
  for (const reference of arrayOf(references)) {
    const url = isObject(reference) ? text(reference.url) : undefined;
    if (!url || !isObject(reference)) continue;
    const tags = arrayOf(reference.tags).map(text).filter((tag): tag is string => Boolean(tag));
    const existing = byUrl.get(url);
    if (existing) {
      const merged = new Set([...(existing.tags ?? []), ...tags]);
      if (merged.size) existing.tags = [...merged];
    } else byUrl.set(url, tags.length ? { url, tags: [...new Set(tags)] } : { url });
  }
  return [...byUrl.values()];
}

function parseCpeMatch(match: unknown, where: string, problem: (message: string) => void): KbAffectedPackage | null {
  if (!isObject(match)) {
    problem(`${where}: not an object; skipped`);
    return null;
  }
  const criteria = text(match.criteria);
  const parts = criteria ? splitCpe23(criteria) : null;
  if (!criteria || !parts) {
    problem(`${where}: criteria ${JSON.stringify(match.criteria)} is not a CPE 2.3 string; skipped`);
    return null;
  }
  // vendor:product kept in CPE 2.3 quoted form (`net-dns:net\:\:dns`), so the colon stays unambiguous.
  const affected: KbAffectedPackage = { ecosystem: 'cpe', package: `${parts[3]}:${parts[4]}`, cpe: criteria, vulnerable: match.vulnerable !== false, status: 'unfixed' };
  const startIncluding = text(match.versionStartIncluding);
  const startExcluding = text(match.versionStartExcluding);
  const endExcluding = text(match.versionEndExcluding);
  const endIncluding = text(match.versionEndIncluding);
  const range: KbVersionRange = {};
  if (startIncluding) range.introduced = startIncluding;
  else if (startExcluding) {
    range.introduced = startExcluding;
    range.introducedExclusive = true;
  }
  if (endExcluding) range.fixed = endExcluding;
  if (endIncluding) range.lastAffected = endIncluding;
  const version = parts[5]!;
  if (Object.keys(range).length) affected.ranges = [range];
  else if (version !== '*' && version !== '-' && !/(^|[^\\])[*?]/.test(version)) {
    // A single version named in the CPE itself: exactly that version.
    const exact = unquoteCpe(version);
    affected.ranges = [{ introduced: exact, lastAffected: exact }];
  }
  // `*` / `-` without range fields: no version bound at all (every version of the product).
  if (endExcluding) affected.status = 'fixed';
  return affected;
}

function parseAffected(configurations: unknown, problem: (message: string) => void): KbAffectedPackage[] {
  const out: KbAffectedPackage[] = [];
  const seen = new Set<string>();
  arrayOf(configurations).forEach((configuration, c) => {
    if (!isObject(configuration)) return;
    arrayOf(configuration.nodes).forEach((node, n) => {
      if (!isObject(node)) return;
      if (node.negate === true) {
        // "NOT these" cannot be expressed as a flat affected list; dropping it is safer than inverting it.
        problem(`configurations[${c}].nodes[${n}]: negated node is not supported; its cpeMatch entries were skipped`);
        return;
      }
      arrayOf(node.cpeMatch).forEach((match, m) => {
        const affected = parseCpeMatch(match, `configurations[${c}].nodes[${n}].cpeMatch[${m}]`, problem);
        if (!affected) return;
        const identity = JSON.stringify([affected.cpe, affected.vulnerable, affected.ranges]);
        if (seen.has(identity)) return;
        seen.add(identity);
        out.push(affected);
      });
    });
  });
  return out;
}

/**
 * One `vulnerabilities[]` element → one contribution, or null (reported) when the record fails
 * validation. Problems in parts of a record (one CVSS metric, one cpeMatch) drop that part only.
 */
export function nvdRecordToContribution(element: unknown, index: number, fileName: string, onProblem: (problem: KbImportProblem) => void): KbContribution | null {
  const cve = isObject(element) ? element.cve : undefined;
  const rawId = isObject(cve) ? text(cve.id) : undefined;
  const record = rawId ?? `vulnerabilities[${index}]`;
  const reject = (message: string) => {
    onProblem({ file: fileName, record, message });
    return null;
  };
  if (!isObject(cve)) return reject('element has no "cve" object; record skipped');
  if (!rawId || !CVE_ID.test(rawId)) return reject(`invalid CVE id ${JSON.stringify(cve.id)}; record skipped`);
  const id = rawId;
  const partProblem = (message: string) => onProblem({ file: fileName, record: id, message });

  const contribution: KbContribution = { source: 'nvd', recordId: id, key: id, aliases: [id] };
  for (const [field, target] of [
    ['published', 'published'],
    ['lastModified', 'modified'],
  ] as const) {
    if (cve[field] === undefined) continue;
    const raw = text(cve[field]);
    const iso = raw ? nvdTimestamp(raw) : null;
    if (!iso) return reject(`invalid ${field} ${JSON.stringify(cve[field])}; record skipped`);
    contribution[target] = iso;
  }

  const descriptions = arrayOf(cve.descriptions).filter(isObject);
  const english = descriptions.find((d) => d.lang === 'en') ?? descriptions.find((d) => typeof d.lang === 'string' && d.lang.toLowerCase().startsWith('en'));
  const description = english ? text(english.value) : undefined;
  if (description) contribution.description = capUtf8(description);

  const cvss = parseCvss(cve.metrics, partProblem);
  if (cvss.length) contribution.cvss = cvss;
  const cwes = parseCwes(cve.weaknesses);
  if (cwes.length) contribution.cwes = cwes;
  const references = parseReferences(cve.references);
  if (references.length) contribution.references = references;
  const affected = parseAffected(cve.configurations, partProblem);
  if (affected.length) contribution.affected = affected;

  const status = text(cve.vulnStatus);
  if (status) contribution.status = status;
  contribution.rejected = status === 'Rejected';
  return contribution;
}

/**
 * The Pick filter for `vulnerabilities`, doubling as the envelope check. Pick calls it for every
 * top-level value (not inside the picked array, so it costs nothing per CVE): the document must
 * be an object whose `format` is NVD_CVE (and `version` 2.x, when given) before `vulnerabilities`
 * starts. A failed check destroys the stream with an error instead of throwing inside it.
 */
function nvdEnvelope(fail: (error: Error) => void) {
  const state = { format: undefined as string | undefined, version: undefined as string | undefined, sawVulnerabilities: false };
  const filter = (stack: readonly (string | number | null)[], token: { name: string; value?: unknown }): boolean => {
    if (stack.length === 0) {
      if (token.name !== 'startObject') fail(new Error('not an NVD CVE API 2.0 response: the JSON document is not an object'));
      return false;
    }
    if (stack.length !== 1) return false;
    const key = stack[0];
    if (key === 'format' && token.name === 'stringValue') state.format = String(token.value);
    else if (key === 'version' && token.name === 'stringValue') state.version = String(token.value);
    else if (key === 'vulnerabilities') {
      if (state.format !== 'NVD_CVE') fail(new Error(`not an NVD CVE API 2.0 response: "format" is ${state.format === undefined ? 'missing' : JSON.stringify(state.format)} (expected "NVD_CVE" before "vulnerabilities")`));
      else if (state.version !== undefined && !/^2(\.|$)/.test(state.version)) fail(new Error(`unsupported NVD API version ${JSON.stringify(state.version)} (expected 2.x)`));
      else if (token.name !== 'startArray') fail(new Error('not an NVD CVE API 2.0 response: "vulnerabilities" is not an array'));
      else {
        state.sawVulnerabilities = true;
        return true;
      }
    }
    return false;
  };
  return { state, filter };
}

/** Counts the bytes that reach the JSON parser, so a parse error can say where it happened. */
function byteCounter(): Transform & { position: () => { start: number; end: number; ended: boolean } } {
  let start = 0;
  let end = 0;
  let ended = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      start = end;
      end += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      ended = true;
      start = end;
      callback();
    },
  });
  return Object.assign(counter, { position: () => ({ start, end, ended }) });
}

export function describeJsonError(fileName: string, error: Error, where: { start: number; end: number; ended: boolean }): Error {
  if (error.message.includes(fileName)) return error;
  if (/^Parser (cannot parse input|has expected)/.test(error.message)) {
    const at = where.ended ? `position ${where.end} (end of input: the file is truncated)` : where.start === where.end ? `position ${where.end}` : `position ${where.start}–${where.end}`;
    return new Error(`${fileName}: invalid JSON at ${at}: ${error.message.replace(/^Parser /, 'parser ')}`);
  }
  if (error.message === 'Top-level object should be an array.') return new Error(`${fileName}: not an NVD CVE API 2.0 response: "vulnerabilities" is not an array`);
  return new Error(`${fileName}: ${error.message}`);
}

/** Opens an upstream JSON file for a streaming parser, counting the bytes that reach it; errors name the file. */
export function openJsonUpstreamFile(filePath: string, fileName: string): { source: Readable; counter: ReturnType<typeof byteCounter> } {
  try {
    return { source: openUpstreamFile(filePath), counter: byteCounter() };
  } catch (error) {
    throw describeJsonError(fileName, error as Error, { start: 0, end: 0, ended: false });
  }
}

async function* parseNvd(input: { filePath: string; fileName: string; onProblem: (problem: KbImportProblem) => void }): AsyncGenerator<KbContribution> {
  const { filePath, fileName, onProblem } = input;
  const { source, counter } = openJsonUpstreamFile(filePath, fileName);
  // Packed tokens only (streamValues: false): Pick and StreamArray need nothing else, and it
  // halves the token traffic on a 100 MB year file.
  const jsonParser = StreamJson.parser({ streamValues: false });
  const envelope = nvdEnvelope((error) => picker.destroy(error));
  const picker = StreamPick.pick({ filter: envelope.filter });
  const records = pipeline(source, counter, jsonParser, picker, StreamArray.streamArray(), () => {
    // Errors surface through the async iterator below.
  });
  const seen = new Set<string>();
  try {
    for await (const item of records as AsyncIterable<{ key: number; value: unknown }>) {
      const contribution = nvdRecordToContribution(item.value, item.key, fileName, onProblem);
      if (!contribution) continue;
      if (seen.has(contribution.recordId)) {
        onProblem({ file: fileName, record: contribution.recordId, message: 'CVE listed twice in this file; the later entry was skipped' });
        continue;
      }
      seen.add(contribution.recordId);
      yield contribution;
    }
  } catch (error) {
    throw describeJsonError(fileName, error as Error, counter.position());
  } finally {
    source.destroy();
  }
  if (envelope.state.format !== 'NVD_CVE') throw new Error(`${fileName}: not an NVD CVE API 2.0 response: no "format": "NVD_CVE"`);
  if (!envelope.state.sawVulnerabilities) throw new Error(`${fileName}: not an NVD CVE API 2.0 response: no "vulnerabilities" array`);
}

export const nvdImporter: KbImporter = {
  format: 'nvd-cve-api-2.0',
  source: 'nvd',
  detect({ head }) {
    // Content only: NVD, KEV and OSV JSON all start with `{`, so the file name alone proves nothing.
    return NVD_FORMAT_IN_HEAD.test(head) && head.includes('"vulnerabilities"');
  },
  parse(input) {
    return parseNvd(input);
  },
};
