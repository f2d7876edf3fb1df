import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingListStateModel } from '../../../../server/models/finding-list-state.model';
import { forgetBuiltCounters } from '../../../../server/services/findings/counter-state';
import { RankHistogramModel } from '../../../../server/models/rank-histogram.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { getDashboardOverview } from '../../../../server/services/dashboard/dashboard-overview';
import { rebuildRankHistograms } from '../../../../server/services/trends/rank-histograms';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { labHostResult } from '../tickets/lab-host-result';

/**
 * The dashboard's rank histograms on real FerretDB, kept by recorded host results, criticality changes and
 * exceptions (never rebuilt before the comparison): the dashboard read through them equals the one read from the
 * counters themselves, and they agree with a recount.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const UNITS = ['rh-a', 'rh-b'];
const hosts = Array.from({ length: 14 }, (_, i) => ({ unit: UNITS[i % 2]!, address: `127.0.0.${120 + i}`, fingerprint: `SHA256:rankHost${String(i).padStart(2, '0')}${'R'.repeat(31)}` }));
const assetIds: string[] = [];
const manager = (userId = 'c0000000000000000000000c') => createServerCaller(testContext({ runtime, principal: testPrincipal({ role: 'manager', userId, businessUnitIds: UNITS }) }));

const record = (host: (typeof hosts)[number], runId: string, vulnerable: boolean) =>
  recordHostResult({ encryption: runtime.encryption, businessUnitId: host.unit, runId, result: labHostResult({ address: host.address, fingerprint: host.fingerprint, vulnerable }) });

async function histograms() {
  // Zeros left out: a histogram keeps a value nobody holds any more at 0, and a rebuild writes every kind.
  return (await RankHistogramModel.find({}).sort({ _id: 1 }).lean())
    .map((h) => [h._id, Object.fromEntries(Object.entries(h.ranks).filter(([, n]) => n !== 0))] as const)
    .filter(([, ranks]) => Object.keys(ranks).length > 0);
}

/** The dashboard read both ways: through the histograms, and from the counters with the histograms switched off. */
async function bothWays(businessUnitIds: string[]) {
  const scope = { kind: 'units', businessUnitIds } as const;
  const byHistogram = await getDashboardOverview({ scope });
  await FindingListStateModel.deleteOne({ _id: 'rank-histograms-v2' });
  forgetBuiltCounters();
  const byCounters = await getDashboardOverview({ scope });
  await FindingListStateModel.create({ _id: 'rank-histograms-v2', builtAt: new Date() });
  const comparable = (o: typeof byHistogram) => ({ topAssets: o.topAssets, topVulnerabilities: o.topVulnerabilities, kev: o.kev });
  return { byHistogram: comparable(byHistogram), byCounters: comparable(byCounters) };
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  for (const host of hosts) assetIds.push((await record(host, 'run-1', true))!.assetId);
  await FindingListStateModel.create({ _id: 'rank-histograms-v2', builtAt: new Date() });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('dashboard rank histograms', () => {
  it('give the same top assets, top vulnerabilities and KEV exposure as the counters, through risk changes and fixes', async () => {
    expect((await histograms()).length).toBeGreaterThan(0);
    let both = await bothWays(UNITS);
    expect(both.byHistogram.topAssets).toHaveLength(10);
    expect(both.byHistogram).toEqual(both.byCounters);
    for (const [i, assetId] of assetIds.entries()) await manager().findings.setAssetCriticality({ id: assetId, criticality: 1 + (i % 5) });
    for (const host of hosts.slice(0, 3)) await record(host, 'run-2', false);
    both = await bothWays(UNITS);
    expect(both.byHistogram).toEqual(both.byCounters);
    expect(new Set(both.byHistogram.topAssets.map((asset) => asset.riskMax)).size).toBeGreaterThan(1);
    both = await bothWays(['rh-b']);
    expect(both.byHistogram).toEqual(both.byCounters);
  });

  it('follow exceptions, and agree with a recount', async () => {
    const findingIds = (await manager().findings.list({ businessUnitId: 'rh-a', status: 'open' })).items.slice(0, 2).map((finding) => finding.id);
    const requested = await manager('d0000000000000000000000d').exceptions.request({ kind: 'risk-acceptance', findingIds, justification: 'Compensating control in place', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await manager().exceptions.approve({ id: requested.id });
    const both = await bothWays(UNITS);
    expect(both.byHistogram).toEqual(both.byCounters);
    const maintained = await histograms();
    for (const unit of UNITS) await rebuildRankHistograms({ businessUnitId: unit });
    expect(await histograms()).toEqual(maintained);
  });
});
