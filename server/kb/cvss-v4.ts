/**
 * CVSS v4.0 scores computed from vectors, per the FIRST CVSS v4.0 specification (§8 "CVSS v4.0
 * Scoring") and scoring exactly like FIRST's reference calculator (the FIRST / Red Hat
 * `cvss-v4-calculator`, whose algorithm and data the specification points to):
 *
 * 1. The vector is reduced to its MacroVector: six equivalence classes EQ1…EQ6 of the effective
 *    metric values (a Modified metric overrides its Base metric; E, CR, IR and AR that are absent
 *    or X count as their worst case A / H).
 * 2. The MacroVector's expert score comes from FIRST's table of 270 MacroVector scores.
 * 3. Interpolation: for each EQ, the score gap to the next lower MacroVector (if one exists) is
 *    scaled by how far the vector lies from the highest-severity vector of its MacroVector,
 *    relative to the MacroVector's depth; the mean of those is subtracted.
 * 4. Rounded to one decimal, half up, the reference's way: `Math.round((x + 1e-6) * 10) / 10`
 *    (the epsilon lifts results the float arithmetic leaves one ULP below an x.x5 tie).
 *
 * The arithmetic (0.1-step severity levels, the order of the sums) is kept as the reference does
 * it so that float rounding lands the same way; verified against every CVSS v4.0 vector with an
 * authority-provided score in the NVD fixtures (tests/server/kb/cvss-v4.test.ts).
 *
 * The score is for whatever metrics the vector carries: CVSS-B for Base metrics only, CVSS-BT with
 * Threat (E), CVSS-BE with Environmental, CVSS-BTE with both (see `cvssV4Nomenclature`) — the same
 * number FIRST's calculator shows and NVD/CNAs publish as `baseScore`. Supplemental metrics (S,
 * AU, R, V, RE, U) never change it.
 *
 * Vector syntax (specification §7, FIRST's calculator and its JSON schema agree): the prefix
 * `CVSS:4.0/`, then `Metric:Value` components separated by `/`; the 11 Base metrics are
 * mandatory; every metric at most once; optional metrics may be left out or given as X; names
 * and values are case-sensitive. The specification lists metrics in one order (`METRIC_ORDER`
 * below) and FIRST's calculator insists on it, but real advisories (GitHub's among them) interleave
 * them; the order carries no meaning, so any order is read — as Red Hat's `cvss` library does. Anything else is rejected with a `CvssV4Error` saying
 * why. Input longer than `MAX_V4_VECTOR_LENGTH` is refused before it is split, so hostile input
 * costs no more than a bounded scan.
 */

export class CvssV4Error extends Error {
  override name = 'CvssV4Error';
}

export type CvssV4Nomenclature = 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';

/** Every metric with all values at their longest is ~ 170 characters; this leaves ample room. */
export const MAX_V4_VECTOR_LENGTH = 512;

const PREFIX = 'CVSS:4.0/';

/** All metrics in the specification's order (Table 23), each with its allowed values. */
const METRIC_ORDER: readonly (readonly [string, readonly string[]])[] = [
  // Base (mandatory)
  ['AV', ['N', 'A', 'L', 'P']],
  ['AC', ['L', 'H']],
  ['AT', ['N', 'P']],
  ['PR', ['N', 'L', 'H']],
  ['UI', ['N', 'P', 'A']],
  ['VC', ['H', 'L', 'N']],
  ['VI', ['H', 'L', 'N']],
  ['VA', ['H', 'L', 'N']],
  ['SC', ['H', 'L', 'N']],
  ['SI', ['H', 'L', 'N']],
  ['SA', ['H', 'L', 'N']],
  // Threat
  ['E', ['X', 'A', 'P', 'U']],
  // Environmental
  ['CR', ['X', 'H', 'M', 'L']],
  ['IR', ['X', 'H', 'M', 'L']],
  ['AR', ['X', 'H', 'M', 'L']],
  ['MAV', ['X', 'N', 'A', 'L', 'P']],
  ['MAC', ['X', 'L', 'H']],
  ['MAT', ['X', 'N', 'P']],
  ['MPR', ['X', 'N', 'L', 'H']],
  ['MUI', ['X', 'N', 'P', 'A']],
  ['MVC', ['X', 'H', 'L', 'N']],
  ['MVI', ['X', 'H', 'L', 'N']],
  ['MVA', ['X', 'H', 'L', 'N']],
  ['MSC', ['X', 'H', 'L', 'N']],
  ['MSI', ['X', 'S', 'H', 'L', 'N']],
  ['MSA', ['X', 'S', 'H', 'L', 'N']],
  // Supplemental (no effect on the score)
  ['S', ['X', 'N', 'P']],
  ['AU', ['X', 'N', 'Y']],
  ['R', ['X', 'A', 'U', 'I']],
  ['V', ['X', 'D', 'C']],
  ['RE', ['X', 'L', 'M', 'H']],
  ['U', ['X', 'Clear', 'Green', 'Amber', 'Red']],
];
const BASE_METRICS = METRIC_ORDER.slice(0, 11).map(([name]) => name);
const THREAT_METRICS = ['E'];
const ENVIRONMENTAL_METRICS = METRIC_ORDER.slice(12, 26).map(([name]) => name);
const METRIC_INDEX = new Map(METRIC_ORDER.map(([name, values]) => [name, { values }]));

/**
 * FIRST's expert scores of the 270 MacroVectors, keyed EQ1 EQ2 EQ3 EQ4 EQ5 EQ6 (0 = most
 * severe). Spec data, carried over unchanged from the FIRST / Red Hat reference `cvss_lookup.js`.
 */
const MACROVECTOR_SCORES: Readonly<Record<string, number>> = {
  '000000': 10, '000001': 9.9, '000010': 9.8, '000011': 9.5, '000020': 9.5, '000021': 9.2,
  '000100': 10, '000101': 9.6, '000110': 9.3, '000111': 8.7, '000120': 9.1, '000121': 8.1,
  '000200': 9.3, '000201': 9, '000210': 8.9, '000211': 8, '000220': 8.1, '000221': 6.8,
  '001000': 9.8, '001001': 9.5, '001010': 9.5, '001011': 9.2, '001020': 9, '001021': 8.4,
  '001100': 9.3, '001101': 9.2, '001110': 8.9, '001111': 8.1, '001120': 8.1, '001121': 6.5,
  '001200': 8.8, '001201': 8, '001210': 7.8, '001211': 7, '001220': 6.9, '001221': 4.8,
  '002001': 9.2, '002011': 8.2, '002021': 7.2, '002101': 7.9, '002111': 6.9, '002121': 5,
  '002201': 6.9, '002211': 5.5, '002221': 2.7,
  '010000': 9.9, '010001': 9.7, '010010': 9.5, '010011': 9.2, '010020': 9.2, '010021': 8.5,
  '010100': 9.5, '010101': 9.1, '010110': 9, '010111': 8.3, '010120': 8.4, '010121': 7.1,
  '010200': 9.2, '010201': 8.1, '010210': 8.2, '010211': 7.1, '010220': 7.2, '010221': 5.3,
  '011000': 9.5, '011001': 9.3, '011010': 9.2, '011011': 8.5, '011020': 8.5, '011021': 7.3,
  '011100': 9.2, '011101': 8.2, '011110': 8, '011111': 7.2, '011120': 7, '011121': 5.9,
  '011200': 8.4, '011201': 7, '011210': 7.1, '011211': 5.2, '011220': 5, '011221': 3,
  '012001': 8.6, '012011': 7.5, '012021': 5.2, '012101': 7.1, '012111': 5.2, '012121': 2.9,
  '012201': 6.3, '012211': 2.9, '012221': 1.7,
  '100000': 9.8, '100001': 9.5, '100010': 9.4, '100011': 8.7, '100020': 9.1, '100021': 8.1,
  '100100': 9.4, '100101': 8.9, '100110': 8.6, '100111': 7.4, '100120': 7.7, '100121': 6.4,
  '100200': 8.7, '100201': 7.5, '100210': 7.4, '100211': 6.3, '100220': 6.3, '100221': 4.9,
  '101000': 9.4, '101001': 8.9, '101010': 8.8, '101011': 7.7, '101020': 7.6, '101021': 6.7,
  '101100': 8.6, '101101': 7.6, '101110': 7.4, '101111': 5.8, '101120': 5.9, '101121': 5,
  '101200': 7.2, '101201': 5.7, '101210': 5.7, '101211': 5.2, '101220': 5.2, '101221': 2.5,
  '102001': 8.3, '102011': 7, '102021': 5.4, '102101': 6.5, '102111': 5.8, '102121': 2.6,
  '102201': 5.3, '102211': 2.1, '102221': 1.3,
  '110000': 9.5, '110001': 9, '110010': 8.8, '110011': 7.6, '110020': 7.6, '110021': 7,
  '110100': 9, '110101': 7.7, '110110': 7.5, '110111': 6.2, '110120': 6.1, '110121': 5.3,
  '110200': 7.7, '110201': 6.6, '110210': 6.8, '110211': 5.9, '110220': 5.2, '110221': 3,
  '111000': 8.9, '111001': 7.8, '111010': 7.6, '111011': 6.7, '111020': 6.2, '111021': 5.8,
  '111100': 7.4, '111101': 5.9, '111110': 5.7, '111111': 5.7, '111120': 4.7, '111121': 2.3,
  '111200': 6.1, '111201': 5.2, '111210': 5.7, '111211': 2.9, '111220': 2.4, '111221': 1.6,
  '112001': 7.1, '112011': 5.9, '112021': 3, '112101': 5.8, '112111': 2.6, '112121': 1.5,
  '112201': 2.3, '112211': 1.3, '112221': 0.6,
  '200000': 9.3, '200001': 8.7, '200010': 8.6, '200011': 7.2, '200020': 7.5, '200021': 5.8,
  '200100': 8.6, '200101': 7.4, '200110': 7.4, '200111': 6.1, '200120': 5.6, '200121': 3.4,
  '200200': 7, '200201': 5.4, '200210': 5.2, '200211': 4, '200220': 4, '200221': 2.2,
  '201000': 8.5, '201001': 7.5, '201010': 7.4, '201011': 5.5, '201020': 6.2, '201021': 5.1,
  '201100': 7.2, '201101': 5.7, '201110': 5.5, '201111': 4.1, '201120': 4.6, '201121': 1.9,
  '201200': 5.3, '201201': 3.6, '201210': 3.4, '201211': 1.9, '201220': 1.9, '201221': 0.8,
  '202001': 6.4, '202011': 5.1, '202021': 2, '202101': 4.7, '202111': 2.1, '202121': 1.1,
  '202201': 2.4, '202211': 0.9, '202221': 0.4,
  '210000': 8.8, '210001': 7.5, '210010': 7.3, '210011': 5.3, '210020': 6, '210021': 5,
  '210100': 7.3, '210101': 5.5, '210110': 5.9, '210111': 4, '210120': 4.1, '210121': 2,
  '210200': 5.4, '210201': 4.3, '210210': 4.5, '210211': 2.2, '210220': 2, '210221': 1.1,
  '211000': 7.5, '211001': 5.5, '211010': 5.8, '211011': 4.5, '211020': 4, '211021': 2.1,
  '211100': 6.1, '211101': 5.1, '211110': 4.8, '211111': 1.8, '211120': 2, '211121': 0.9,
  '211200': 4.6, '211201': 1.8, '211210': 1.7, '211211': 0.7, '211220': 0.8, '211221': 0.2,
  '212001': 5.3, '212011': 2.4, '212021': 1.4, '212101': 2.4, '212111': 1.2, '212121': 0.5,
  '212201': 1, '212211': 0.3, '212221': 0.1,
};

/**
 * The highest-severity vectors of each EQ level (for EQ3 per EQ6 level, as the two are scored
 * together). Spec data, carried over unchanged from the reference `max_composed.js`.
 */
const MAX_COMPOSED = {
  eq1: { 0: ['AV:N/PR:N/UI:N'], 1: ['AV:A/PR:N/UI:N', 'AV:N/PR:L/UI:N', 'AV:N/PR:N/UI:P'], 2: ['AV:P/PR:N/UI:N', 'AV:A/PR:L/UI:P'] },
  eq2: { 0: ['AC:L/AT:N'], 1: ['AC:H/AT:N', 'AC:L/AT:P'] },
  eq3eq6: {
    0: { 0: ['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H'], 1: ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M'] },
    1: {
      0: ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H'],
      1: ['VC:L/VI:H/VA:L/CR:H/IR:M/AR:H', 'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M', 'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M', 'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H', 'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M'],
    },
    2: { 1: ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H'] },
  },
  eq4: { 0: ['SC:H/SI:S/SA:S'], 1: ['SC:H/SI:H/SA:H'], 2: ['SC:L/SI:L/SA:L'] },
  eq5: { 0: ['E:A'], 1: ['E:P'], 2: ['E:U'] },
} as const;

/** Depth of each EQ level in severity-distance steps (+1), from the reference `max_severity.js`. */
const MAX_SEVERITY = {
  eq1: { 0: 1, 1: 4, 2: 5 },
  eq2: { 0: 1, 1: 2 },
  eq3eq6: { 0: { 0: 7, 1: 6 }, 1: { 0: 8, 1: 8 }, 2: { 1: 10 } },
  eq4: { 0: 6, 1: 5, 2: 4 },
} as const;

/** Severity level of each value (0 = most severe), in 0.1 steps as in the reference. */
const LEVELS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  AV: { N: 0.0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0.0, L: 0.1, H: 0.2 },
  UI: { N: 0.0, P: 0.1, A: 0.2 },
  AC: { L: 0.0, H: 0.1 },
  AT: { N: 0.0, P: 0.1 },
  VC: { H: 0.0, L: 0.1, N: 0.2 },
  VI: { H: 0.0, L: 0.1, N: 0.2 },
  VA: { H: 0.0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0.0, M: 0.1, L: 0.2 },
  IR: { H: 0.0, M: 0.1, L: 0.2 },
  AR: { H: 0.0, M: 0.1, L: 0.2 },
  E: { U: 0.2, P: 0.1, A: 0 },
};
const LEVEL_METRICS = Object.keys(LEVELS);

/** Threat / security-requirement metrics that count as their worst case when absent or X. */
const WORST_CASE: Readonly<Record<string, string>> = { E: 'A', CR: 'H', IR: 'H', AR: 'H' };

type Metrics = ReadonlyMap<string, string>;

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * Reads a `CVSS:4.0/…` vector into its metrics (only those present, X included). Throws a
 * `CvssV4Error` naming the first problem.
 */
export function parseCvssV4Vector(vector: string): Map<string, string> {
  if (typeof vector !== 'string') throw new CvssV4Error('the vector is not a string');
  if (vector.length > MAX_V4_VECTOR_LENGTH) throw new CvssV4Error(`the vector is ${vector.length} characters long; a CVSS v4.0 vector is at most ${MAX_V4_VECTOR_LENGTH}`);
  if (!vector.startsWith(PREFIX)) throw new CvssV4Error(`the vector does not start with "${PREFIX}"`);
  const metrics = new Map<string, string>();
  for (const part of vector.slice(PREFIX.length).split('/')) {
    if (part === '') throw new CvssV4Error('empty component (a doubled or trailing "/")');
    const match = /^([A-Z]{1,3}):([A-Za-z]{1,5})$/.exec(part);
    if (!match) throw new CvssV4Error(`malformed component ${quote(part)} (expected Metric:Value)`);
    const [, name, value] = match as unknown as [string, string, string];
    const metric = METRIC_INDEX.get(name);
    if (!metric) throw new CvssV4Error(`unknown metric ${quote(name)}`);
    if (metrics.has(name)) throw new CvssV4Error(`metric ${name} appears more than once`);
    if (!metric.values.includes(value)) throw new CvssV4Error(`${name}:${value} is not a valid value (${name} takes ${metric.values.join(', ')})`);
    metrics.set(name, value);
  }
  const missing = BASE_METRICS.filter((name) => !metrics.has(name));
  if (missing.length) throw new CvssV4Error(`missing mandatory base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return metrics;
}

/** Which score a vector's metrics make: CVSS-B, -BT (Threat), -BE (Environmental) or -BTE. */
export function cvssV4Nomenclature(vector: string): CvssV4Nomenclature {
  const metrics = parseCvssV4Vector(vector);
  const defined = (names: string[]) => names.some((name) => (metrics.get(name) ?? 'X') !== 'X');
  return `CVSS-B${defined(THREAT_METRICS) ? 'T' : ''}${defined(ENVIRONMENTAL_METRICS) ? 'E' : ''}` as CvssV4Nomenclature;
}

/** The value that counts for scoring: a defined Modified metric overrides its Base metric. */
function effective(metrics: Metrics, name: string): string {
  const value = metrics.get(name) ?? 'X';
  const worst = WORST_CASE[name];
  if (value === 'X' && worst) return worst;
  const modified = metrics.get(`M${name}`);
  if (modified !== undefined && modified !== 'X') return modified;
  return value;
}

/** The MacroVector: EQ1…EQ6 as six digits (0 = most severe). */
export function cvssV4MacroVector(vector: string): string {
  return macroVectorOf(parseCvssV4Vector(vector));
}

function macroVectorOf(metrics: Metrics): string {
  const m = (name: string) => effective(metrics, name);
  const [av, pr, ui] = [m('AV'), m('PR'), m('UI')];
  const eq1 = av === 'N' && pr === 'N' && ui === 'N' ? 0 : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P' ? 1 : 2;
  const eq2 = m('AC') === 'L' && m('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [m('VC'), m('VI'), m('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const safety = metrics.get('MSI') === 'S' || metrics.get('MSA') === 'S';
  const eq4 = safety ? 0 : m('SC') === 'H' || m('SI') === 'H' || m('SA') === 'H' ? 1 : 2;
  const e = m('E');
  const eq5 = e === 'A' ? 0 : e === 'P' ? 1 : 2;
  const eq6 = (m('CR') === 'H' && vc === 'H') || (m('IR') === 'H' && vi === 'H') || (m('AR') === 'H' && va === 'H') ? 0 : 1;
  return `${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`;
}

/** "AV:N/PR:N/UI:N" → { AV: 'N', … } */
function partsOf(text: string): Record<string, string> {
  return Object.fromEntries(text.split('/').map((part) => part.split(':') as [string, string]));
}

/** Candidate highest-severity vectors of a MacroVector, in the reference's order. */
function maxVectorsOf(eq: number[]): Record<string, string>[] {
  const [eq1, eq2, eq3, eq4, eq5, eq6] = eq as [number, number, number, number, number, number];
  const pick = (table: Record<number, readonly string[]>, level: number) => table[level] ?? [];
  const eq3eq6 = (MAX_COMPOSED.eq3eq6 as Record<number, Record<number, readonly string[]>>)[eq3] ?? {};
  const out: Record<string, string>[] = [];
  for (const a of pick(MAX_COMPOSED.eq1, eq1))
    for (const b of pick(MAX_COMPOSED.eq2, eq2))
      for (const c of pick(eq3eq6, eq6))
        for (const d of pick(MAX_COMPOSED.eq4, eq4))
          for (const f of pick(MAX_COMPOSED.eq5, eq5)) out.push({ ...partsOf(a), ...partsOf(b), ...partsOf(c), ...partsOf(d), ...partsOf(f) });
  return out;
}

/** Round half up to one decimal, as the FIRST reference does (epsilon-lifted). */
function roundToOneDecimal(value: number): number {
  return Math.round((value + 1e-6) * 10) / 10;
}

/**
 * The CVSS v4.0 score of a vector (CVSS-B/-BT/-BE/-BTE as its metrics make it), 0.0–10.0 with one
 * decimal. Throws a `CvssV4Error` for a vector that is not valid CVSS v4.0.
 */
export function cvssV4BaseScore(vector: string): number {
  const metrics = parseCvssV4Vector(vector);
  const m = (name: string) => effective(metrics, name);
  // No impact on either system: 0 whatever else the vector says.
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((name) => m(name) === 'N')) return 0;

  const macroVector = macroVectorOf(metrics);
  const value = MACROVECTOR_SCORES[macroVector];
  if (value === undefined) throw new CvssV4Error(`no score for MacroVector ${macroVector}`); // unreachable for a parsed vector
  const eq = [...macroVector].map(Number);
  const [eq1, eq2, eq3, eq4, eq5, eq6] = eq as [number, number, number, number, number, number];
  const scoreOf = (digits: number[]) => MACROVECTOR_SCORES[digits.join('')];

  // a. Score of the next lower MacroVector per EQ (undefined where there is none). EQ3 and EQ6
  //    are stepped together: 00 → 01 or 10 (the higher), 01 → 11, 10 → 11, 11 → 21, 21 → none.
  const lowerEq1 = scoreOf([eq1 + 1, eq2, eq3, eq4, eq5, eq6]);
  const lowerEq2 = scoreOf([eq1, eq2 + 1, eq3, eq4, eq5, eq6]);
  let lowerEq3Eq6: number | undefined;
  if (eq3 === 0 && eq6 === 0) {
    const left = scoreOf([eq1, eq2, eq3, eq4, eq5, eq6 + 1]);
    const right = scoreOf([eq1, eq2, eq3 + 1, eq4, eq5, eq6]);
    lowerEq3Eq6 = left === undefined || right === undefined ? undefined : Math.max(left, right);
  } else if (eq3 === 1 && eq6 === 0) {
    lowerEq3Eq6 = scoreOf([eq1, eq2, eq3, eq4, eq5, eq6 + 1]);
  } else if (eq6 === 1 && eq3 < 2) {
    lowerEq3Eq6 = scoreOf([eq1, eq2, eq3 + 1, eq4, eq5, eq6]);
  }
  const lowerEq4 = scoreOf([eq1, eq2, eq3, eq4 + 1, eq5, eq6]);
  const lowerEq5 = scoreOf([eq1, eq2, eq3, eq4, eq5 + 1, eq6]);

  // b. Severity distance from the first highest-severity vector of the MacroVector that is at
  //    least as severe as this one in every metric.
  const distancesTo = (max: Record<string, string>) => {
    const out: Record<string, number> = {};
    for (const name of LEVEL_METRICS) out[name] = LEVELS[name]![m(name)]! - LEVELS[name]![max[name]!]!;
    return out;
  };
  let distances: Record<string, number> = {};
  for (const max of maxVectorsOf(eq)) {
    distances = distancesTo(max);
    if (Object.values(distances).every((d) => d >= 0)) break;
  }
  const d = (name: string) => distances[name]!;
  const distanceEq1 = d('AV') + d('PR') + d('UI');
  const distanceEq2 = d('AC') + d('AT');
  const distanceEq3Eq6 = d('VC') + d('VI') + d('VA') + d('CR') + d('IR') + d('AR');
  const distanceEq4 = d('SC') + d('SI') + d('SA');

  // c./d. Each EQ's available score gap scaled by the proportion of the MacroVector's depth the
  //    vector is below its top; EQ5 has depth 0 (its proportion is always 0) but still counts.
  const STEP = 0.1;
  let existingLower = 0;
  const normalised = (lower: number | undefined, distance: number, depth: number) => {
    if (lower === undefined) return 0;
    existingLower += 1;
    return (value - lower) * (distance / (depth * STEP));
  };
  const n1 = normalised(lowerEq1, distanceEq1, MAX_SEVERITY.eq1[eq1 as 0 | 1 | 2]);
  const n2 = normalised(lowerEq2, distanceEq2, MAX_SEVERITY.eq2[eq2 as 0 | 1]);
  const n3 = normalised(lowerEq3Eq6, distanceEq3Eq6, (MAX_SEVERITY.eq3eq6 as Record<number, Record<number, number>>)[eq3]![eq6]!);
  const n4 = normalised(lowerEq4, distanceEq4, MAX_SEVERITY.eq4[eq4 as 0 | 1 | 2]);
  const n5 = normalised(lowerEq5, 0, 1);

  // 2./3. The MacroVector's score less the mean of those, clamped and rounded.
  const meanDistance = existingLower === 0 ? 0 : (n1 + n2 + n3 + n4 + n5) / existingLower;
  return roundToOneDecimal(Math.max(0, Math.min(10, value - meanDistance)));
}
