import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK, type FindingRecord } from '../../../../server/models/finding.model';
import { findingOfListRow, listRowsOf, statusClassesOfFilter } from '../../../../server/services/findings/finding-list-rows';
import { tieHashOf } from '../../../../server/services/findings/tie-order';

const now = new Date('2026-12-01T10:00:00Z');
const finding = (over: Partial<FindingRecord>): FindingRecord =>
  ({
    _id: 'a-1|CVE-2026-1 deb openssl', tieHash: tieHashOf('a-1|CVE-2026-1 deb openssl'), businessUnitId: 'u|1', assetId: 'a-1', vulnId: 'CVE-2026-1', vglId: 'VGL-1', cves: ['CVE-2026-1'],
    ecosystem: 'deb', package: 'openssl', sourcePackage: null, installedVersion: '3.0.1-1', fixedVersion: '3.0.2-1', unfixed: false, severity: 'high', severityRank: SEVERITY_RANK.high,
    cvss: 7.5, epss: 0.2, kev: false, kevDueAt: null, rule: 'test', ruleSource: 'osv', confidence: 'confirmed', port: null, riskScore: 81.3, riskBucket: 'high', slaDueAt: now,
    status: 'active', timesSeen: 2, firstSeenAt: now, lastSeenAt: now, fixedAt: null, fixedReason: null, reopenedAt: null, lastRunId: 'run', assetName: 'a-1.example',
    exceptionId: null, exceptionState: null, exceptionExpiresAt: null, ...over,
  }) as FindingRecord;

describe('list rows', () => {
  it('key an open finding under the open class and a fixed one under the closed class, at every tie level', () => {
    const hash = tieHashOf('a-1|CVE-2026-1 deb openssl');
    const rows = listRowsOf(finding({ status: 'reopened' }));
    expect(rows).toHaveLength(1);
    const open = rows[0]!;
    expect(open._id).toBe('a-1|CVE-2026-1 deb openssl');
    expect(open.rankKeys).toHaveLength(7);
    expect(open.rankKeys[0]).toBe('u|1|o|r813|high');
    expect(open.rankKeys[6]).toBe(`u|1|o|r813|high|6:${hash}`);
    expect(listRowsOf(finding({ status: 'fixed' }))[0]!.rankKeys.every((key) => key.startsWith('u|1|c|r813|high'))).toBe(true);
  });

  it('give a KEV finding a second row under its class’s KEV group, which a list of KEV findings reads', () => {
    const hash = tieHashOf('a-1|CVE-2026-1 deb openssl');
    const [own, kev, ...more] = listRowsOf(finding({ kev: true }));
    expect(more).toHaveLength(0);
    expect(own!._id).toBe('a-1|CVE-2026-1 deb openssl');
    expect(own!.rankKeys).toEqual(listRowsOf(finding({ kev: false }))[0]!.rankKeys);
    expect(kev!._id).toBe('kev|a-1|CVE-2026-1 deb openssl');
    expect(kev!.rankKeys).toHaveLength(7);
    expect(kev!.rankKeys[0]).toBe('u|1|ok|r813|high');
    expect(kev!.rankKeys[6]).toBe(`u|1|ok|r813|high|6:${hash}`);
    expect(kev!.finding).toBe(own!.finding);
    expect(listRowsOf(finding({ kev: true, status: 'fixed' }))[1]!.rankKeys[0]).toBe('u|1|ck|r813|high');
  });

  it('hold nothing but the keys, the asset and the finding, which reads back as it was', () => {
    const original = finding({ kev: true, exceptionState: 'risk-accepted', exceptionExpiresAt: new Date('2027-01-01T00:00:00Z') });
    for (const row of listRowsOf(original)) {
      expect(Object.keys(row).sort()).toEqual(['_id', 'assetId', 'finding', 'rankKeys']);
      expect(findingOfListRow(row)).toEqual(original);
    }
  });

  it.each([
    [undefined, ['open', 'closed']],
    ['open', ['open']],
    ['new', ['open']],
    ['reopened', ['open']],
    ['fixed', ['closed']],
  ] as const)('status filter %j reads the classes %j', (status, classes) => {
    expect(statusClassesOfFilter(status)).toEqual(classes);
  });
});
