import { CvssV4Error, cvssV4BaseScore } from './cvss-v4';
import type { KbCvss } from './kb-types';

/**
 * CVSS base scores computed from vectors, for sources that publish a vector without a score
 * (OSV `severity[].score` is the vector only).
 *
 * - v3.0 / v3.1: the base equations of the CVSS v3.1 specification §7.1 with its `Roundup`
 *   (Appendix A), which rounds like the v3.0 one but without floating-point artefacts. Base
 *   metric weights are the same in both versions, so one calculator serves both.
 * - v2.0: the base equation of the CVSS v2 guide §3.2.1 (round to one decimal).
 * - v4.0: FIRST's MacroVector method — EQ1–EQ6 equivalence classes, the table of 270 expert
 *   MacroVector scores and the severity-distance interpolation — implemented in `./cvss-v4.ts`,
 *   scoring exactly like FIRST's reference calculator (checked against every v4.0 vector NVD
 *   scored in the fixtures). The score is for the metrics the vector carries (CVSS-B, or -BT/-BE/
 *   -BTE when it sets Threat/Environmental metrics), which is what NVD and CNAs publish as
 *   `baseScore` for a v4.0 vector.
 *
 * Every function here returns `null` for a vector it cannot read; it never throws and never
 * returns NaN (`cvssFromVector` gives the reason instead).
 */

export type CvssVersion = KbCvss['version'];

/** Upper bound on vector length: real vectors are < 200 characters, v4 with every metric ~ 300. */
const MAX_VECTOR_LENGTH = 512;

const V3_BASE: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  PR: { N: 0.85, L: 0.62, H: 0.27 },
  UI: { N: 0.85, R: 0.62 },
  S: { U: 0, C: 1 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};
/** PR weights when scope is changed. */
const V3_PR_CHANGED: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };

/** Temporal and environmental metrics a v3 vector may carry; they do not change the base score. */
const V3_OPTIONAL: Record<string, string[]> = {
  E: ['X', 'U', 'P', 'F', 'H'],
  RL: ['X', 'O', 'T', 'W', 'U'],
  RC: ['X', 'U', 'R', 'C'],
  CR: ['X', 'L', 'M', 'H'],
  IR: ['X', 'L', 'M', 'H'],
  AR: ['X', 'L', 'M', 'H'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: ['X', 'N', 'L', 'H'],
  MI: ['X', 'N', 'L', 'H'],
  MA: ['X', 'N', 'L', 'H'],
};

const V2_BASE: Record<string, Record<string, number>> = {
  AV: { L: 0.395, A: 0.646, N: 1.0 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  C: { N: 0, P: 0.275, C: 0.66 },
  I: { N: 0, P: 0.275, C: 0.66 },
  A: { N: 0, P: 0.275, C: 0.66 },
};
const V2_OPTIONAL: Record<string, string[]> = {
  E: ['U', 'POC', 'F', 'H', 'ND'],
  RL: ['OF', 'TF', 'W', 'U', 'ND'],
  RC: ['UC', 'UR', 'C', 'ND'],
  CDP: ['N', 'L', 'LM', 'MH', 'H', 'ND'],
  TD: ['N', 'L', 'M', 'H', 'ND'],
  CR: ['L', 'M', 'H', 'ND'],
  IR: ['L', 'M', 'H', 'ND'],
  AR: ['L', 'M', 'H', 'ND'],
};

/**
 * Splits `K:V/K:V…` into a map. Null when a component is malformed, a metric is unknown or
 * repeated, a value is not allowed, or a base metric is missing.
 */
function readMetrics(body: string, base: Record<string, Record<string, number>>, optional: Record<string, string[]>): Map<string, string> | null {
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const match = /^([A-Za-z]+):([A-Za-z]+)$/.exec(part);
    if (!match) return null;
    const [, name, value] = match as unknown as [string, string, string];
    if (metrics.has(name)) return null;
    const baseValues = base[name];
    if (baseValues) {
      if (!(value in baseValues)) return null;
    } else {
      const allowed = optional[name];
      if (!allowed || !allowed.includes(value)) return null;
    }
    metrics.set(name, value);
  }
  for (const name of Object.keys(base)) if (!metrics.has(name)) return null;
  return metrics;
}

/** CVSS v3.1 Appendix A `Roundup`: the smallest one-decimal number ≥ the input, float-safe. */
export function roundUp(value: number): number {
  const intInput = Math.round(value * 100000);
  if (intInput % 10000 === 0) return intInput / 100000;
  return (Math.floor(intInput / 10000) + 1) / 10;
}

/** Which CVSS version a vector string is, from its prefix; v2 vectors have none. */
export function cvssVersionOf(vector: string): CvssVersion | null {
  const v = vector.trim();
  if (v.startsWith('CVSS:3.1/')) return '3.1';
  if (v.startsWith('CVSS:3.0/')) return '3.0';
  if (v.startsWith('CVSS:4.0/')) return '4.0';
  if (/^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(v)) return '2.0';
  return null;
}

/** Base score of a `CVSS:3.0/…` or `CVSS:3.1/…` vector, or null if the vector is not valid. */
export function cvss3BaseScore(vector: string): number | null {
  if (typeof vector !== 'string' || vector.length > MAX_VECTOR_LENGTH) return null;
  const match = /^CVSS:3\.[01]\/(.+)$/.exec(vector.trim());
  if (!match) return null;
  const metrics = readMetrics(match[1]!, V3_BASE, V3_OPTIONAL);
  if (!metrics) return null;
  const weight = (name: string) => V3_BASE[name]![metrics.get(name)!]!;
  const changed = metrics.get('S') === 'C';
  const pr = changed ? V3_PR_CHANGED[metrics.get('PR')!]! : weight('PR');

  const iss = 1 - (1 - weight('C')) * (1 - weight('I')) * (1 - weight('A'));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * weight('AV') * weight('AC') * pr * weight('UI');
  if (impact <= 0) return 0;
  return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
}

/** Base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally in parentheses). */
export function cvss2BaseScore(vector: string): number | null {
  if (typeof vector !== 'string' || vector.length > MAX_VECTOR_LENGTH) return null;
  let body = vector.trim();
  if (body.startsWith('(') && body.endsWith(')')) body = body.slice(1, -1);
  const metrics = readMetrics(body, V2_BASE, V2_OPTIONAL);
  if (!metrics) return null;
  const weight = (name: string) => V2_BASE[name]![metrics.get(name)!]!;
  const impact = 10.41 * (1 - (1 - weight('C')) * (1 - weight('I')) * (1 - weight('A')));
  const exploitability = 20 * weight('AV') * weight('AC') * weight('Au');
  const f = impact === 0 ? 0 : 1.176;
  const raw = (0.6 * impact + 0.4 * exploitability - 1.5) * f;
  // Round half up to one decimal; the small epsilon absorbs binary representation error
  // (e.g. 4.35 stored as 4.3499999…).
  return Math.max(0, Math.round(raw * 10 + 1e-9) / 10);
}

/** Score of a `CVSS:4.0/…` vector (see `./cvss-v4.ts`), or null if the vector is not valid. */
export function cvss4BaseScore(vector: string): number | null {
  return cvss4Result(vector).score;
}

function cvss4Result(vector: string): { score: number; reason?: undefined } | { score: null; reason: string } {
  if (typeof vector !== 'string') return { score: null, reason: 'the vector is not a string' };
  try {
    return { score: cvssV4BaseScore(vector) };
  } catch (error) {
    if (error instanceof CvssV4Error) return { score: null, reason: error.message };
    throw error;
  }
}

/**
 * Qualitative rating, upper case as NVD writes it. v3/v4 (default): NONE 0, LOW 0.1–3.9,
 * MEDIUM 4.0–6.9, HIGH 7.0–8.9, CRITICAL 9.0–10. v2 has no NONE/CRITICAL: LOW 0–3.9,
 * MEDIUM 4.0–6.9, HIGH 7.0–10.
 */
export function severityOf(score: number, version?: CvssVersion): 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' | undefined {
  if (!Number.isFinite(score) || score < 0 || score > 10) return undefined;
  if (version === '2.0') return score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW';
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

/**
 * A `KbCvss` entry for a vector, with the base score computed here. Null, with the reason, when
 * the vector is not valid — `KbCvss.baseScore` is required, so an entry without a trustworthy
 * score is left out rather than given a made-up one.
 */
export function cvssFromVector(vector: string): { entry: KbCvss } | { entry: null; reason: string } {
  const trimmed = typeof vector === 'string' ? vector.trim() : '';
  const version = cvssVersionOf(trimmed);
  if (!version) return { entry: null, reason: 'not a CVSS v2/v3/v4 vector' };
  let score: number | null;
  if (version === '4.0') {
    const result = cvss4Result(trimmed);
    if (result.score === null) return { entry: null, reason: `invalid CVSS 4.0 vector: ${result.reason}` };
    score = result.score;
  } else {
    score = version === '2.0' ? cvss2BaseScore(trimmed) : cvss3BaseScore(trimmed);
  }
  if (score === null) return { entry: null, reason: `invalid CVSS ${version} vector` };
  const entry: KbCvss = { version, vector: trimmed, baseScore: score };
  const severity = severityOf(score, version);
  if (severity) entry.severity = severity;
  return { entry };
}
