import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingTrendModel, type FindingTrend } from '../../../../server/models/finding-trend.model';
import { FindingKevAssetModel } from '../../../../server/models/finding-kev-asset.model';
import { FindingVulnCountModel } from '../../../../server/models/finding-vuln-count.model';
import { FindingModel } from '../../../../server/models/finding.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { carryFindingTrends } from '../../../../server/services/trends/carry-finding-trends';
import { readFindingTrends } from '../../../../server/services/trends/read-finding-trends';
import { rebuildFindingRollups } from '../../../../server/services/trends/rebuild-finding-trends';
import { trendIdOf, utcDayOf } from '../../../../server/services/trends/trend-day';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { labHostResult } from '../tickets/lab-host-result';

/**
 * Trends and the dashboard on real FerretDB, driven by recorded host results (the lifecycle hook) and exceptions:
 * the day's counters, the per-vulnerability counters, the daily carry, the rebuild agreeing with the increments,
 * and `dashboard.overview` scoped to the caller's units.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const DAY_MS = 86_400_000;

const KEY_A = 'SHA256:trendAKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_B = 'SHA256:trendBKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const record = (unit: string, runId: string, address: string, fingerprint: string, vulnerable: boolean) => recordHostResult({ encryption: runtime.encryption, businessUnitId: unit, runId, result: labHostResult({ address, fingerprint, vulnerable }) });
const today = () => FindingTrendModel.findById(trendIdOf('unit-a', utcDayOf(new Date()))).lean();
const caller = (units: string[], userId = 'a0000000000000000000000a', role: 'analyst' | 'manager' = 'analyst') => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId, businessUnitIds: units }) }));

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('finding trends', () => {
  it('counts a result’s new findings into the unit’s day and its vulnerabilities’ open counts', async () => {
    await record('unit-a', 'run-1', '127.0.0.51', KEY_A, true);
    await record('unit-b', 'run-1b', '127.0.0.52', KEY_B, true);
    const open = await FindingModel.find({ businessUnitId: 'unit-a' }, { severity: 1, vulnId: 1, kev: 1 }).lean();
    expect(open).toHaveLength(1);
    const day = await today();
    expect(day).toMatchObject({ new: 1, fixed: 0, carried: false });
    expect(day!.open.total).toBe(1);
    expect(day!.kevOpen).toBe(open.filter((f) => f.kev).length);
    const counts = await FindingVulnCountModel.find({ businessUnitId: 'unit-a' }).lean();
    expect(counts.reduce((sum, c) => sum + c.open, 0)).toBe(1);
    // Recorded again: nothing moves.
    await record('unit-a', 'run-1', '127.0.0.51', KEY_A, true);
    expect((await today())!.new).toBe(1);
  });

  it('agrees with a rebuild from the findings, after fixes and reopenings', async () => {
    const comparable = (day: FindingTrend | null) => ({ open: day!.open, kevOpen: day!.kevOpen, new: day!.new, fixed: day!.fixed, remediated: day!.remediated });
    await record('unit-a', 'run-2', '127.0.0.51', KEY_A, false);
    let day = await today();
    expect(day).toMatchObject({ fixed: 1, remediated: 1 });
    expect(day!.open.total).toBe(0);
    expect(comparable(await rebuildFindingRollups({ businessUnitId: 'unit-a', day: new Date() }))).toEqual(comparable(day));
    await record('unit-a', 'run-3', '127.0.0.51', KEY_A, true);
    day = await today();
    expect(day).toMatchObject({ reopened: 1 });
    expect(day!.open.total).toBe(1);
    const counters = async () => ({
      vulns: (await FindingVulnCountModel.find({ businessUnitId: 'unit-a', open: { $ne: 0 } }).sort({ _id: 1 }).lean()).map((c) => [c._id, c.open]),
      kevAssets: (await FindingKevAssetModel.find({ businessUnitId: 'unit-a', open: { $ne: 0 } }).sort({ _id: 1 }).lean()).map((c) => [c._id, c.open]),
    });
    const before = await counters();
    const rebuilt = await rebuildFindingRollups({ businessUnitId: 'unit-a', day: new Date() });
    expect({ open: rebuilt.open, kevOpen: rebuilt.kevOpen, new: rebuilt.new }).toEqual({ open: day!.open, kevOpen: day!.kevOpen, new: day!.new });
    expect(await counters()).toEqual(before);
  });

  it('leaves findings under an approved exception out of the open counts, and counts them again when it ends', async () => {
    const ids = (await FindingModel.find({ businessUnitId: 'unit-a' }, { _id: 1 }).lean()).map((f) => f._id);
    const requested = await caller(['unit-a']).exceptions.request({ kind: 'false-positive', findingIds: [ids[0]!], justification: 'Not reachable from anywhere' });
    await caller(['unit-a'], 'b0000000000000000000000a', 'manager').exceptions.approve({ id: requested.id });
    expect((await today())!.open.total).toBe(0);
    await caller(['unit-a'], 'b0000000000000000000000a', 'manager').exceptions.revoke({ id: requested.id });
    const day = await today();
    expect(day!.open.total).toBe(1);
    expect(day!.reopened).toBe(2);
  });

  it('carries each day’s closing open counts into the next once, and reads days without documents as unchanged', async () => {
    const tomorrow = new Date(Date.now() + DAY_MS);
    const first = await carryFindingTrends({ now: tomorrow });
    expect(first.carried).toBeGreaterThan(0);
    await carryFindingTrends({ now: tomorrow });
    const next = await FindingTrendModel.findById(trendIdOf('unit-a', utcDayOf(tomorrow))).lean();
    expect(next).toMatchObject({ carried: true, new: 0 });
    expect(next!.open.total).toBe(1);
    const series = await readFindingTrends({ businessUnitIds: ['unit-a'], days: 5, now: new Date(Date.now() + 3 * DAY_MS) });
    expect(series.map((point) => point.open.total)).toEqual([0, 1, 1, 1, 1]);
    expect(series[1]!.new).toBe(1);
  });

  it('dashboard.overview shows the caller’s units only', async () => {
    const a = await caller(['unit-a']).dashboard.overview();
    expect(a.severity.total).toBe(1);
    expect(a.trend).toHaveLength(90);
    expect(a.topAssets.map((asset) => asset.businessUnitId)).toEqual(['unit-a']);
    expect(a.topVulnerabilities.reduce((sum, v) => sum + v.openFindings, 0)).toBe(1);
    expect(a.kev.assetsAffected).toBe(a.kev.openFindings > 0 ? 1 : 0);
    const both = await caller(['unit-a', 'unit-b']).dashboard.overview();
    expect(both.severity.total).toBe(2);
    expect(both.topAssets).toHaveLength(2);
    const none = await caller(['unit-c']).dashboard.overview();
    expect(none.severity.total).toBe(0);
    expect(none.topAssets).toEqual([]);
  });
});
