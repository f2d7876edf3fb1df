import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cvssFromVector, severityOf } from '../../../server/kb/cvss';
import { CvssV4Error, cvssV4BaseScore, cvssV4MacroVector, cvssV4Nomenclature, MAX_V4_VECTOR_LENGTH, parseCvssV4Vector } from '../../../server/kb/cvss-v4';
import { fixture } from '../../helpers/fixtures';

type NvdV40 = { source?: string; cvssData: { version: string; vectorString: string; baseScore: number; baseSeverity?: string } };
type NvdFile = { vulnerabilities: { cve: { id: string; metrics?: { cvssMetricV40?: NvdV40[] } } }[] };

/** Every `cvssMetricV40` entry in the NVD fixtures: the vector and the score its scorer published. */
function nvdV40Entries(): { cve: string; source: string; vector: string; score: number; severity?: string }[] {
  const out: { cve: string; source: string; vector: string; score: number; severity?: string }[] = [];
  for (const name of readdirSync(fixture('nvd')).filter((n) => n.endsWith('.subset.json')).sort()) {
    const doc = JSON.parse(readFileSync(fixture('nvd', name), 'utf8')) as NvdFile;
    for (const { cve } of doc.vulnerabilities) {
      for (const metric of cve.metrics?.cvssMetricV40 ?? []) {
        const { vectorString, baseScore, baseSeverity } = metric.cvssData;
        out.push({ cve: cve.id, source: metric.source ?? '?', vector: vectorString, score: baseScore, ...(baseSeverity ? { severity: baseSeverity } : {}) });
      }
    }
  }
  return out;
}

describe('every CVSS v4.0 vector scored in the NVD fixtures scores as its scorer published', () => {
  const entries = nvdV40Entries();
  const distinct = new Set(entries.map((e) => e.vector));

  it('covers a real sample', () => {
    // 60 cvssMetricV40 entries (47 distinct vectors, from 14 CNAs; B and BT scores, with
    // supplemental metrics) at the time of writing.
    expect(entries.length).toBeGreaterThanOrEqual(60);
    expect(distinct.size).toBeGreaterThanOrEqual(47);
    console.info(`CVSS v4.0: checking ${entries.length} NVD entries, ${distinct.size} distinct vectors`);
  });

  it('matches each score exactly, and its severity', () => {
    const mismatches = entries.flatMap(({ cve, source, vector, score, severity }) => {
      const computed = cvssV4BaseScore(vector);
      const problems: string[] = [];
      if (computed !== score) problems.push(`${cve} (${source}) ${vector}: published ${score}, computed ${computed}`);
      if (severity && severityOf(computed, '4.0') !== severity) problems.push(`${cve} ${vector}: published ${severity}, computed ${severityOf(computed, '4.0')}`);
      return problems;
    });
    expect(mismatches).toEqual([]);
  });

  it('gives the same KbCvss entry through cvssFromVector', () => {
    for (const { vector, score } of entries) expect(cvssFromVector(vector)).toEqual({ entry: { version: '4.0', vector, baseScore: score, severity: severityOf(score, '4.0') } });
  });
});

describe('cvssV4BaseScore: worked examples', () => {
  it.each([
    // FIRST's CVSS v4.0 Examples document (CVSS-B).
    ['Log4Shell CVE-2021-44228', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10, '000100'],
    ['Shellshock CVE-2014-6271', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, '000200'],
    ['Heartbleed CVE-2014-0160', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', 8.7, '001200'],
    ['nginx CVE-2022-41741', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.5, '100200'],
    ['phpMyAdmin XSS CVE-2013-1937', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', 5.1, '102201'],
    // The FIRST / Red Hat reference calculator's own example (CVSS-BTE).
    ['reference docstring, Threat + Environmental', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A', 8.7, '100200'],
    // Cases from the reference calculator's issue tracker, with the value its maintainers settled on.
    ['ref #53: FIRST shows 6.1 (5.9 was a regression)', 'CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N', 6.1, '111200'],
    ['ref #48: 0.35 rounds half up to 0.4', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U', 0.4, '112221'],
    ['ref #48: 8.95 rounds half up to 9.0 (Critical)', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H/SI:H/SA:H/E:P', 9.0, '010110'],
    ['ref #66: 8.549999… (float) is the 8.55 tie, 8.6', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H', 8.6, '101100'],
    [
      'ref (Python) #60: every metric group, MSI/MSA Safety',
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:P/CR:L/IR:L/AR:L/MAV:N/MAC:L/MAT:N/MPR:L/MUI:A/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Red',
      8.5,
      '100011',
    ],
    [
      'ref (Python) #63, in specification order',
      'CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:N/SA:H/E:A/CR:H/IR:M/AR:H/MAV:A/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:N/MVA:H/MSC:H/MSI:H/MSA:H/S:N/AU:N/R:I/V:C/RE:M/U:Green',
      8.6,
      '101100',
    ],
    // Edges of the table and of the method.
    ['lowest MacroVector', 'CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/E:U', 0.1, '212221'],
    ['MSI:S (Safety) makes EQ4 0', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MSI:S', 10, '000000'],
    ['no impact at all is 0', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0, '002201'],
    ['Environmental metrics can remove all impact', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MVC:N/MVI:N/MVA:N', 0, '002201'],
  ])('%s', (_name, vector, score, macroVector) => {
    expect(cvssV4BaseScore(vector)).toBe(score);
    expect(cvssV4MacroVector(vector)).toBe(macroVector);
  });

  it('Supplemental metrics and explicit defaults do not change the score', () => {
    const base = 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N';
    const score = cvssV4BaseScore(base);
    expect(score).toBe(5.9);
    expect(cvssV4BaseScore(`${base}/S:P/AU:Y/R:I/V:C/RE:H/U:Red`)).toBe(score);
    expect(cvssV4BaseScore(`${base}/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X`)).toBe(score);
    // E, CR, IR and AR not given count as their worst case: A and H.
    expect(cvssV4BaseScore(`${base}/E:A/CR:H/IR:H/AR:H`)).toBe(score);
    // A Modified metric equal to its Base metric changes nothing either.
    expect(cvssV4BaseScore(`${base}/MAV:N/MVC:H`)).toBe(score);
  });

  it('reads metrics in any order, as real advisories write them', () => {
    const inOrder = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    const interleaved = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N';
    expect(cvssV4BaseScore(interleaved)).toBe(cvssV4BaseScore(inOrder));
    expect(cvssV4BaseScore(`CVSS:4.0/E:U/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:L/AT:N/AC:L/AV:N`)).toBe(cvssV4BaseScore(`${inOrder}/E:U`));
  });

  it('Threat and Environmental metrics do change it', () => {
    const base = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    expect(cvssV4BaseScore(base)).toBe(9.3);
    expect(cvssV4BaseScore(`${base}/E:U`)).toBeLessThan(9.3);
    expect(cvssV4BaseScore(`${base}/CR:L/IR:L/AR:L`)).toBeLessThan(9.3);
    expect(cvssV4BaseScore(`${base}/MAV:P`)).toBeLessThan(9.3);
  });

  it('names the score by the metrics the vector sets (CVSS-B / -BT / -BE / -BTE)', () => {
    const base = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    expect(cvssV4Nomenclature(base)).toBe('CVSS-B');
    expect(cvssV4Nomenclature(`${base}/E:X/CR:X/S:P`)).toBe('CVSS-B');
    expect(cvssV4Nomenclature(`${base}/E:P`)).toBe('CVSS-BT');
    expect(cvssV4Nomenclature(`${base}/CR:L`)).toBe('CVSS-BE');
    expect(cvssV4Nomenclature(`${base}/E:P/MSI:S`)).toBe('CVSS-BTE');
  });
});

describe('cvssV4BaseScore: vectors that are not valid CVSS v4.0', () => {
  const BASE = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
  it.each([
    ['empty', '', /does not start with "CVSS:4\.0\/"/],
    ['prefix only', 'CVSS:4.0/', /empty component/],
    ['no prefix', 'AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /does not start with/],
    ['missing AT', 'CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /missing mandatory base metric AT$/],
    ['missing the subsequent-system metrics', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H', /missing mandatory base metrics SC, SI, SA$/],
    ['a v3 metric', `${BASE}/C:H`, /unknown metric "C"/],
    ['v3 Scope as Safety', `${BASE}/S:U`, /S:U is not a valid value/],
    ['unknown metric', `${BASE}/ZZ:Q`, /unknown metric "ZZ"/],
    ['X for a base metric', 'CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /AV:X is not a valid value/],
    ['S (Safety) on SI, which only MSI takes', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N', /SI:S is not a valid value/],
    ['v3 value R for UI', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /UI:R is not a valid value/],
    ['bad threat value', `${BASE}/E:F`, /E:F is not a valid value/],
    ['lower-case value', `${BASE}/U:clear`, /U:clear is not a valid value/],
    ['lower-case names', 'cvss:4.0/av:n/ac:l/at:n/pr:n/ui:n/vc:h/vi:h/va:h/sc:n/si:n/sa:n', /does not start with/],
    ['duplicate metric', 'CVSS:4.0/AV:N/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /metric AV appears more than once/],
    ['duplicate with the same value', `${BASE}/E:A/E:A`, /metric E appears more than once/],
    ['trailing slash', `${BASE}/`, /empty component/],
    ['doubled slash', 'CVSS:4.0/AV:N//AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /empty component/],
    ['no value', `${BASE}/E:`, /malformed component "E:"/],
    ['no colon', `${BASE}/E`, /malformed component "E"/],
    ['= for :', 'CVSS:4.0/AV=N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /malformed component "AV=N"/],
    ['markup', 'CVSS:4.0/<script>alert(1)</script>', /malformed component "<script>alert\(1\)<"/],
    ['NUL byte', `${BASE}/E:A\u0000`, /malformed component/],
  ])('%s', (_name, vector, reason) => {
    expect(() => cvssV4BaseScore(vector)).toThrow(CvssV4Error);
    expect(() => cvssV4BaseScore(vector)).toThrow(reason);
    expect(cvssFromVector(vector).entry).toBeNull();
  });

  it('takes the exact string: another version or surrounding space is not a v4.0 vector (cvssFromVector trims and dispatches)', () => {
    expect(() => cvssV4BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toThrow(/does not start with/);
    expect(() => cvssV4BaseScore(` ${BASE}`)).toThrow(/does not start with/);
    expect(() => cvssV4BaseScore(`${BASE}\n`)).toThrow(/malformed component "SA:N\\n"/);
    expect(cvssFromVector(` ${BASE}\n`).entry).toMatchObject({ version: '4.0', vector: BASE, baseScore: 9.3 });
  });

  it('refuses oversized input before reading it, quickly', () => {
    const hostile = [`${BASE}${'/E:X'.repeat(200)}`, `${BASE}/${'A'.repeat(5_000_000)}:N`, `CVSS:4.0/${'AV:N/'.repeat(1_000_000)}`];
    const started = performance.now();
    for (const vector of hostile) {
      expect(vector.length).toBeGreaterThan(MAX_V4_VECTOR_LENGTH);
      expect(() => parseCvssV4Vector(vector)).toThrow(/characters long; a CVSS v4\.0 vector is at most 512/);
    }
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('a vector with every metric fits the length limit', () => {
    const longest = `${BASE}/E:U/CR:M/IR:M/AR:M/MAV:N/MAC:H/MAT:P/MPR:H/MUI:P/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/S:N/AU:N/R:I/V:C/RE:M/U:Amber`;
    expect(longest.length).toBeLessThan(MAX_V4_VECTOR_LENGTH);
    expect(cvssV4BaseScore(longest)).toBeGreaterThan(0);
  });

  it('error messages quote at most a short piece of the input', () => {
    const junk = `${BASE}/${'Q'.repeat(300)}`;
    expect(() => cvssV4BaseScore(junk)).toThrow(/malformed component "Q{40}…"/);
  });

  it('rejects a non-string', () => {
    expect(() => cvssV4BaseScore(null as unknown as string)).toThrow(/not a string/);
    expect(cvssFromVector(42 as unknown as string).entry).toBeNull();
  });
});
