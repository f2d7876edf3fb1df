import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cvss2BaseScore, cvss3BaseScore, cvss4BaseScore, cvssFromVector, cvssVersionOf, roundUp, severityOf } from '../../../server/kb/cvss';
import { fixture } from '../../helpers/fixtures';

describe('cvss3BaseScore', () => {
  // Real vectors with the base score NVD published for them.
  it.each([
    ['CVE-2014-6271', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVE-2024-6387', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.1],
    ['CVE-2014-0160', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
    ['CVE-2021-45046 (scope changed)', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', 9.0],
    ['CVE-2021-38163 (scope changed, PR:L)', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
    ['CVE-2024-24821 (scope changed, local)', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 8.8],
    ['CVE-2014-3566 (low, scope changed)', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:N/A:N', 3.4],
    ['CVE-2026-13514 (low, physical)', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 2.4],
    ['CVE-2023-39418 (low)', 'CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:N/I:L/A:N', 3.1],
    ['CVE-2016-5701 (v3.0, scope changed)', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVE-2016-1907 (v3.0)', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', 5.3],
    ['no impact', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['temporal metrics do not change the base score', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C', 9.8],
    ['metrics in another order', 'CVSS:3.1/S:U/AV:N/AC:H/PR:N/UI:N/C:H/I:H/A:H', 8.1],
  ])('%s', (_name, vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it.each([
    ['empty', ''],
    ['v2 vector', 'AV:N/AC:L/Au:N/C:P/I:P/A:P'],
    ['v4 vector', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'],
    ['unknown version', 'CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['missing base metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'],
    ['repeated metric', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['bad value', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['unknown metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q'],
    ['trailing slash', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/'],
    ['lower case', 'cvss:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h'],
    ['garbage', 'CVSS:3.1/<script>alert(1)</script>'],
    ['very long', `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H${'/E:X'.repeat(500)}`],
  ])('%s → null', (_name, vector) => {
    expect(cvss3BaseScore(vector)).toBeNull();
  });

  it('Roundup is float-safe (CVSS v3.1 Appendix A)', () => {
    expect(roundUp(4.02)).toBe(4.1);
    expect(roundUp(4.0)).toBe(4.0);
    expect(roundUp(4.000001)).toBe(4.0); // within the 1e-5 tolerance
    expect(roundUp(0.1 + 0.2)).toBe(0.3);
  });
});

describe('cvss2BaseScore', () => {
  it.each([
    ['CVE-2014-6271', 'AV:N/AC:L/Au:N/C:C/I:C/A:C', 10.0],
    ['CVE-2014-0160', 'AV:N/AC:L/Au:N/C:P/I:N/A:N', 5.0],
    ['CVE-2021-45046', 'AV:N/AC:H/Au:N/C:P/I:P/A:P', 5.1],
    ['CVE-2007-3108', 'AV:L/AC:H/Au:N/C:P/I:N/A:N', 1.2],
    ['in parentheses', '(AV:N/AC:L/Au:N/C:P/I:N/A:N)', 5.0],
  ])('%s', (_name, vector, score) => {
    expect(cvss2BaseScore(vector)).toBe(score);
  });

  it.each([['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], ['AV:N/AC:L/Au:N/C:P/I:P'], ['AV:N/AC:L/Au:N/C:X/I:P/A:P']])('%s → null', (vector) => {
    expect(cvss2BaseScore(vector)).toBeNull();
  });
});

describe('every v2/v3 vector in the NVD fixtures scores as NVD scored it', () => {
  const seen = new Map<string, { version: string; score: number; cve: string }>();
  for (const name of readdirSync(fixture('nvd')).filter((n) => n.endsWith('.subset.json'))) {
    const doc = JSON.parse(readFileSync(fixture('nvd', name), 'utf8')) as { vulnerabilities: { cve: { id: string; metrics?: Record<string, { cvssData: { version: string; vectorString: string; baseScore: number } }[]> } }[] };
    for (const { cve } of doc.vulnerabilities) {
      for (const [kind, metrics] of Object.entries(cve.metrics ?? {})) {
        if (!['cvssMetricV2', 'cvssMetricV30', 'cvssMetricV31'].includes(kind)) continue;
        for (const m of metrics) seen.set(m.cvssData.vectorString, { version: m.cvssData.version, score: m.cvssData.baseScore, cve: cve.id });
      }
    }
  }

  it('covers a real sample', () => {
    // 78 distinct v2, 33 v3.0 and 110 v3.1 vectors at the time of writing.
    expect(seen.size).toBeGreaterThan(200);
  });

  it('matches each score', () => {
    const mismatches = [...seen].flatMap(([vector, { version, score, cve }]) => {
      const computed = version === '2.0' ? cvss2BaseScore(vector) : cvss3BaseScore(vector);
      return computed === score ? [] : [`${cve} ${vector}: NVD ${score}, computed ${computed}`];
    });
    expect(mismatches).toEqual([]);
  });
});

describe('cvssVersionOf / cvssFromVector / severityOf', () => {
  it('reads the version from the prefix', () => {
    expect(cvssVersionOf('CVSS:3.1/AV:N')).toBe('3.1');
    expect(cvssVersionOf('CVSS:3.0/AV:N')).toBe('3.0');
    expect(cvssVersionOf('CVSS:4.0/AV:N')).toBe('4.0');
    expect(cvssVersionOf('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe('2.0');
    expect(cvssVersionOf('HIGH')).toBeNull();
  });

  it('builds an entry with score and severity (v2, v3.x and v4.0), and none for invalid vectors', () => {
    expect(cvssFromVector(' CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ')).toEqual({
      entry: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, severity: 'CRITICAL' },
    });
    expect(cvssFromVector('AV:N/AC:L/Au:N/C:C/I:C/A:C')).toEqual({ entry: { version: '2.0', vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C', baseScore: 10, severity: 'HIGH' } });
    // v4.0 is computed (server/kb/cvss-v4.ts; every NVD v4.0 score in the fixtures is reproduced).
    expect(cvssFromVector(' CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N ')).toEqual({
      entry: { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', baseScore: 9.3, severity: 'CRITICAL' },
    });
    expect(cvssFromVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N')).toEqual({
      entry: { version: '4.0', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', baseScore: 0, severity: 'NONE' },
    });
    expect(cvssFromVector('CVSS:3.1/AV:N')).toEqual({ entry: null, reason: 'invalid CVSS 3.1 vector' });
    expect(cvssFromVector('CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toEqual({ entry: null, reason: 'invalid CVSS 4.0 vector: missing mandatory base metric AT' });
    expect(cvssFromVector('HIGH')).toEqual({ entry: null, reason: 'not a CVSS v2/v3/v4 vector' });
  });

  it('cvss4BaseScore never throws: a score, or null', () => {
    expect(cvss4BaseScore('CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(8.5);
    expect(cvss4BaseScore('CVSS:4.0/AV:N')).toBeNull();
    expect(cvss4BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeNull();
    expect(cvss4BaseScore(undefined as unknown as string)).toBeNull();
  });

  it.each([
    [0, undefined, 'NONE'],
    [0.1, undefined, 'LOW'],
    [3.9, undefined, 'LOW'],
    [4.0, undefined, 'MEDIUM'],
    [6.9, undefined, 'MEDIUM'],
    [7.0, undefined, 'HIGH'],
    [8.9, undefined, 'HIGH'],
    [9.0, undefined, 'CRITICAL'],
    [10, '3.1', 'CRITICAL'],
    [10, '2.0', 'HIGH'],
    [0, '2.0', 'LOW'],
    [5.0, '2.0', 'MEDIUM'],
    [Number.NaN, undefined, undefined],
    [11, undefined, undefined],
  ] as const)('severityOf(%s, %s) = %s', (score, version, severity) => {
    expect(severityOf(score, version)).toBe(severity);
  });
});
