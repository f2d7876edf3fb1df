import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK, type FindingRecord } from '../../../../server/models/finding.model';
import { compareInRiskOrder, findingsOfHead, headEntriesOf, headHolds } from '../../../../server/services/findings/finding-list-heads';
import { sortOf } from '../../../../server/services/findings/list-findings';
import { tieHashOf } from '../../../../server/services/findings/tie-order';

const now = new Date('2026-12-01T10:00:00Z');
const finding = (n: number, over: Partial<FindingRecord> = {}): FindingRecord => {
  const _id = `a-${n % 3}|CVE-2026-${n} deb pkg`;
  return {
    _id, tieHash: tieHashOf(_id), businessUnitId: 'u-1', assetId: `a-${n % 3}`, vulnId: `CVE-2026-${n}`, vglId: `VGL-${n}`, cves: [`CVE-2026-${n}`],
    ecosystem: 'deb', package: 'pkg', sourcePackage: null, installedVersion: '1', fixedVersion: '2', unfixed: false, severity: 'high', severityRank: SEVERITY_RANK.high,
    // A line break and quotes in a value: a head keeps one finding per line all the same.
    cvss: 7.5, epss: 0.2, kev: false, kevDueAt: null, rule: 'line\nbreak "quoted"', ruleSource: 'osv', confidence: 'confirmed', port: null, riskScore: 50 + (n % 4), riskBucket: 'high',
    slaDueAt: now, status: 'active', timesSeen: 2, firstSeenAt: now, lastSeenAt: now, fixedAt: null, fixedReason: null, reopenedAt: null, lastRunId: 'run', assetName: 'a.example',
    exceptionId: null, exceptionState: null, exceptionExpiresAt: null, ...over,
  } as FindingRecord;
};

describe('list heads', () => {
  it('keep their findings one per line and give back the first ones asked for, every field as it was', () => {
    const findings = Array.from({ length: 7 }, (_, n) => finding(n)).sort(compareInRiskOrder);
    const head = headEntriesOf(findings);
    expect(head.count).toBe(7);
    expect(head.entries.split('\n')).toHaveLength(7);
    expect(findingsOfHead(head)).toEqual(findings);
    expect(findingsOfHead(head, 3)).toEqual(findings.slice(0, 3));
    expect(findingsOfHead(head, 50)).toEqual(findings);
    expect(findingsOfHead(headEntriesOf([]), 5)).toEqual([]);
  });

  it('order findings as the query’s sort in risk order does: risk, severity, tie hash descending, then id', () => {
    const findings = [finding(1, { riskScore: 90 }), finding(2, { riskScore: 90, severity: 'critical', severityRank: SEVERITY_RANK.critical }), finding(3, { riskScore: 90 }), finding(4, { riskScore: 10 }), finding(5, { riskScore: 90, tieHash: 7 }), finding(6, { riskScore: 90, tieHash: 7 })];
    const sort = sortOf({ by: 'risk', direction: 'desc' });
    expect(Object.keys(sort)).toEqual(['riskScore', 'severityRank', 'tieHash', '_id']);
    const byQuery = [...findings].sort((a, b) => {
      for (const [field, order] of Object.entries(sort) as [keyof FindingRecord, 1 | -1][]) if (a[field]! < b[field]!) return -order; else if (a[field]! > b[field]!) return order;
      return 0;
    });
    expect([...findings].sort(compareInRiskOrder).map((one) => one._id)).toEqual(byQuery.map((one) => one._id));
  });

  it('hold a page when they are long enough for it or hold the whole list', () => {
    const head = { _id: 'h', businessUnitId: 'u-1', revision: 1, ...headEntriesOf([finding(1), finding(2)]) };
    expect(headHolds({ ...head, exhaustive: false }, 2)).toBe(true);
    expect(headHolds({ ...head, exhaustive: false }, 3)).toBe(false);
    expect(headHolds({ ...head, exhaustive: true }, 50)).toBe(true);
    expect(headHolds(null, 1)).toBe(false);
  });
});
