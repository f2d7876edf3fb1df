import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeFilter, type Scope } from '../../../../server/auth/scope';
import { forEachWrite } from '../../../../server/db/write-limits';
import { AssetModel } from '../../../../server/models/asset.model';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { FindingListCellPackModel } from '../../../../server/models/finding-list-cell-pack.model';
import { FindingListRowModel } from '../../../../server/models/finding-list-row.model';
import { AuthClaimModel } from '../../../../server/models/auth-claim.model';
import { FindingListStateModel } from '../../../../server/models/finding-list-state.model';
import { ACTIONABLE_FINDING_FILTER, FindingModel, SEVERITY_RANK, type FindingRecord } from '../../../../server/models/finding.model';
import { SlaPolicyModel } from '../../../../server/models/sla-policy.model';
import type { KbSeverity } from '../../../../server/models/kb-vulnerability.model';
import { ensureFindingListCells, rebuildFindingListCells, unpackCounts } from '../../../../server/services/findings/finding-list-cells';
import { findingQuery, listFindings, sortOf, withAssetNames, type FindingFilter } from '../../../../server/services/findings/list-findings';
import { refreshOpenFindingRollup } from '../../../../server/services/findings/risk-rollup';
import { riskBucket } from '../../../../server/services/findings/risk-score';
import { SLA_STATES, slaDueRange } from '../../../../server/services/findings/sla';
import { getSlaOverview } from '../../../../server/services/findings/sla-overview';
import { KB_SEVERITIES } from '../../../../server/services/kb/search-kb';
import { LIST_SLA_POLICY_MAX_AGE_MS, readRecentSlaPolicy, readSlaPolicy, recomputeSlaDueDates } from '../../../../server/services/findings/sla-policy';
import { tieHashOf } from '../../../../server/services/findings/tie-order';
import { forgetBuiltCounters } from '../../../../server/services/findings/counter-state';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

/**
 * The findings list in risk order from the list cells (README "Findings list at a million findings"), on real
 * FerretDB: kept by the assets' roll-up through status, exception and risk changes, the cells agree with a recount
 * from the findings, and every page, total and order agrees with the query over the findings themselves.
 */
const { uri } = testDatabaseUri();
const UNITS = ['lc-a', 'lc-b'];
const SEVERITIES: KbSeverity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];
const STATUSES = ['new', 'active', 'reopened', 'fixed'] as const;

function findingOf(assetId: string, businessUnitId: string, n: number): FindingRecord {
  const severity = SEVERITIES[n % SEVERITIES.length]!;
  // Few distinct scores, so ranks hold several findings of several severities: ties are broken as sortOf does.
  const riskScore = [91.5, 77.2, 77.2, 40, 12.3, 0][n % 6]! + (n % 7 === 0 ? 0.1 : 0);
  const now = new Date();
  const _id = `${assetId}|CVE-2026-${String(20000 + n)} deb pkg-${n}`;
  return {
    _id, tieHash: tieHashOf(_id), businessUnitId, assetId, vulnId: `CVE-2026-${String(20000 + n)}`, vglId: `VGL-${n}`, cves: [`CVE-2026-${String(20000 + n)}`],
    ecosystem: 'deb', package: `pkg-${n}`, sourcePackage: null, installedVersion: '1.0-1', fixedVersion: '1.0-2', unfixed: false, severity, severityRank: SEVERITY_RANK[severity],
    cvss: 5, epss: 0.1, kev: n % 5 === 0, kevDueAt: null, rule: 'test', ruleSource: 'osv', confidence: 'confirmed', port: null, riskScore, riskBucket: riskBucket(riskScore),
    slaDueAt: null, status: STATUSES[n % 4]!, timesSeen: 1, firstSeenAt: now, lastSeenAt: now, fixedAt: null, fixedReason: null, reopenedAt: null, lastRunId: 'run',
    exceptionId: null, exceptionState: n % 9 === 4 ? 'risk-accepted' : n % 11 === 6 ? 'false-positive' : null, exceptionExpiresAt: null,
  } as FindingRecord;
}

const assets = Array.from({ length: 6 }, (_, i) => ({ id: `lc-asset-${i}`, unit: UNITS[i % 2]! }));

/** Where list-cells-v3 kept its cells, a document per severity: written here as a node of that release would. */
const v3Cells = () => mongoose.connection.db!.collection<{ _id: string; businessUnitId: string; ranks: Record<string, number> }>('finding_list_cells');

/** The cells as counts per pack, severity and rank (packs leave zeros out). */
async function cellCounts(): Promise<Record<string, Record<string, number>>> {
  const packs = await FindingListCellPackModel.find({}).lean();
  return Object.fromEntries(
    packs
      .flatMap((pack) => Object.entries(unpackCounts(pack.counts)).map(([severity, ranks]) => [`${pack._id}|${severity}`, ranks] as const))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

beforeAll(async () => {
  await openTestRuntime({ uri });
  await BusinessUnitModel.create(UNITS.map((_id) => ({ _id, name: _id, parentId: null, ancestors: [] })));
  const now = new Date();
  await AssetModel.create(assets.map(({ id, unit }) => ({ _id: id, businessUnitId: unit, name: `${id}.example`, firstSeenAt: now, lastSeenAt: now })));
  let n = 0;
  for (const { id, unit } of assets) {
    await FindingModel.insertMany(Array.from({ length: 30 }, () => findingOf(id, unit, n++)));
    await refreshOpenFindingRollup({ assetId: id });
  }
  // The cells are used from here on: kept by the roll-up alone, never rebuilt in this file before the comparison.
  await FindingListStateModel.create({ _id: 'list-cells-v4', builtAt: now });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

const scopes: Record<string, Scope> = { system: { kind: 'system' }, 'unit a': { kind: 'units', businessUnitIds: ['lc-a'] }, 'both units': { kind: 'units', businessUnitIds: UNITS } };
const filters: FindingFilter[] = [{}, { status: 'open' }, { status: 'fixed' }, { status: 'open', severity: 'high' }, { status: 'open', kev: true }, { exception: 'none', severity: 'critical' }, { exception: 'risk-accepted' }, { businessUnitId: 'lc-b', status: 'active' }];

async function expectSameAsQuery() {
  for (const [scopeName, scope] of Object.entries(scopes)) {
    for (const filter of filters) {
      const effective: Scope = filter.businessUnitId ? (scope.kind === 'system' || scope.businessUnitIds.includes(filter.businessUnitId) ? { kind: 'units', businessUnitIds: [filter.businessUnitId] } : { kind: 'units', businessUnitIds: [] }) : scope;
      const query = findingQuery({ scope: effective, filter, now: new Date(), dueSoonDays: 7 });
      const total = await FindingModel.countDocuments(query);
      // Descending (the default): the first pages, one in the middle, one past the end; ascending: one page.
      const pages = { desc: [1, 2, Math.max(1, Math.ceil(total / 14)), Math.ceil(total / 7) + 1], asc: [2] };
      for (const direction of ['desc', 'asc'] as const) {
        for (const page of pages[direction]) {
          const expected = await FindingModel.find(query).sort(sortOf({ by: 'risk', direction })).skip((page - 1) * 7).limit(7).lean();
          const listed = await listFindings({ scope, filter, page, pageSize: 7, sort: { by: 'risk', direction } });
          const where = `${scopeName} ${JSON.stringify(filter)} ${direction} page ${page}`;
          expect(listed.total, where).toBe(total);
          expect(listed.items.map((item) => item.id), where).toEqual(expected.map((doc) => doc._id));
        }
      }
    }
  }
}

describe('findings list from the list cells', () => {
  // Long: about 120 pages read both ways on a loaded machine.
  const COMPARISON_TIMEOUT = 240_000;

  it('agrees with the query over the findings, for every filter the cells answer, both orders, first, middle and last pages', async () => {
    expect(Object.keys(await cellCounts()).length).toBeGreaterThan(20);
    await expectSameAsQuery();
  }, COMPARISON_TIMEOUT);

  it('follows status, exception and risk changes through the roll-up, and agrees with a recount', async () => {
    await FindingModel.updateMany({ assetId: 'lc-asset-0', status: 'active' }, { $set: { status: 'fixed' } });
    await FindingModel.updateMany({ assetId: 'lc-asset-1', severity: 'high' }, { $set: { exceptionState: 'false-positive' } });
    await FindingModel.updateMany({ assetId: 'lc-asset-2' }, { $set: { riskScore: 64.4 } });
    await FindingModel.deleteMany({ assetId: 'lc-asset-3', severity: 'low' });
    for (const asset of assets.slice(0, 4)) await refreshOpenFindingRollup({ assetId: asset.id });
    await expectSameAsQuery();
    const maintained = await cellCounts();
    for (const unit of UNITS) await rebuildFindingListCells({ businessUnitId: unit });
    expect(await cellCounts()).toEqual(maintained);
  }, COMPARISON_TIMEOUT);

  it('counts a change once when several roll-ups of one asset run at the same moment', async () => {
    await FindingModel.updateMany({ assetId: 'lc-asset-5' }, { $set: { riskScore: 71.3, status: 'active' } });
    await Promise.all(Array.from({ length: 8 }, () => refreshOpenFindingRollup({ assetId: 'lc-asset-5' })));
    const maintained = await cellCounts();
    for (const unit of UNITS) await rebuildFindingListCells({ businessUnitId: unit });
    expect(await cellCounts()).toEqual(maintained);
    expect(await AuthClaimModel.countDocuments({ _id: 'rollup:lc-asset-5' })).toBe(0);
  }, COMPARISON_TIMEOUT);

  it('counts every change when roll-ups of several assets of one unit write the same cells at the same moment', async () => {
    const unitA = assets.filter((asset) => asset.unit === 'lc-a').map((asset) => asset.id);
    for (const [i, assetId] of unitA.entries()) await FindingModel.updateMany({ assetId }, { $set: { riskScore: 55.5 + i, status: 'reopened' } });
    await Promise.all(unitA.map((assetId) => refreshOpenFindingRollup({ assetId })));
    const maintained = await cellCounts();
    for (const unit of UNITS) await rebuildFindingListCells({ businessUnitId: unit });
    expect(await cellCounts()).toEqual(maintained);
  }, COMPARISON_TIMEOUT);

  it('shows the asset’s name copied onto its findings by the roll-up, and a new name once the asset is renamed', async () => {
    const names = async () => new Set((await listFindings({ scope: { kind: 'units', businessUnitIds: ['lc-a'] }, filter: {}, page: 1, pageSize: 200, sort: { by: 'risk', direction: 'desc' } })).items.filter((item) => item.assetId === 'lc-asset-4').map((item) => item.assetName));
    expect(await names()).toEqual(new Set(['lc-asset-4.example']));
    expect(await FindingModel.countDocuments({ assetId: 'lc-asset-4', assetName: 'lc-asset-4.example' })).toBe(30);
    await AssetModel.updateOne({ _id: 'lc-asset-4' }, { $set: { name: 'renamed.example' } });
    await refreshOpenFindingRollup({ assetId: 'lc-asset-4' });
    expect(await names()).toEqual(new Set(['renamed.example']));
  });

  it('reads the findings themselves until the cells are built, and builds them once', async () => {
    await FindingListStateModel.deleteMany({});
    await FindingListCellPackModel.deleteMany({});
    forgetBuiltCounters();
    const scope: Scope = { kind: 'system' };
    const before = await listFindings({ scope, filter: { status: 'open' }, page: 1, pageSize: 10, sort: { by: 'risk', direction: 'desc' } });
    expect(before.total).toBeGreaterThan(10);
    expect(await ensureFindingListCells()).toEqual({ rebuiltUnits: 2, repackedUnits: 0 });
    expect(await ensureFindingListCells()).toEqual({ rebuiltUnits: 0, repackedUnits: 0 });
    expect(await listFindings({ scope, filter: { status: 'open' }, page: 1, pageSize: 10, sort: { by: 'risk', direction: 'desc' } })).toEqual(before);
  });

  it('upgrades what an earlier version kept (list-cells-v3): cells packed from the stored contributions, without reading a finding, and KEV rows keyed for KEV lists', async () => {
    const maintained = await cellCounts();
    // The rows as v3 wrote them: none under KEV keys.
    await FindingListRowModel.deleteMany({ _id: /^kev\|/ });
    const kevList = () => listFindings({ scope: { kind: 'system' }, filter: { kev: true }, page: 1, pageSize: 200, sort: { by: 'risk', direction: 'desc' } });
    const kevFindings = await FindingModel.countDocuments({ kev: true });
    expect(kevFindings).toBeGreaterThan(10);
    expect((await kevList()).items).toHaveLength(0);
    await v3Cells().insertMany(UNITS.map((unit) => ({ _id: `${unit}|any|high|any|any`, businessUnitId: unit, ranks: { r400: 1 } })));
    await FindingListStateModel.deleteMany({});
    await FindingListStateModel.create({ _id: 'list-cells-v3', builtAt: new Date() });
    await FindingListCellPackModel.deleteMany({});
    forgetBuiltCounters();
    // A finding changed without its roll-up: a count from the findings would show it, the contributions do not.
    await FindingModel.updateMany({ assetId: 'lc-asset-4' }, { $set: { riskScore: 3.3 } });
    expect(await ensureFindingListCells()).toEqual({ rebuiltUnits: 2, repackedUnits: 0 });
    expect(await cellCounts()).toEqual(maintained);
    expect(await v3Cells().countDocuments({})).toBe(0);
    await refreshOpenFindingRollup({ assetId: 'lc-asset-4' });
    expect((await kevList()).items).toHaveLength(kevFindings);
    const scope: Scope = { kind: 'units', businessUnitIds: ['lc-a'] };
    const listed = await listFindings({ scope, filter: {}, page: 1, pageSize: 200, sort: { by: 'risk', direction: 'asc' } });
    expect(listed.items.filter((item) => item.assetId === 'lc-asset-4').map((item) => item.riskScore)).toEqual(Array(30).fill(3.3));
  });

  it('splits a KEV finding’s row that carries both groups’ keys (as written before 2026-12-04) at its asset’s next roll-up, and lists it from either meanwhile', async () => {
    const kevList = async () => (await listFindings({ scope: { kind: 'system' }, filter: { kev: true }, page: 1, pageSize: 200, sort: { by: 'risk', direction: 'desc' } })).items.map((item) => item.id);
    const openList = async () => (await listFindings({ scope: { kind: 'system' }, filter: { status: 'open' }, page: 1, pageSize: 200, sort: { by: 'risk', direction: 'desc' }, unkept: true })).items.map((item) => item.id);
    const [kevBefore, openBefore] = [await kevList(), await openList()];
    const kevRows = await FindingListRowModel.find({ _id: /^kev\|/, assetId: 'lc-asset-2' }).lean();
    expect(kevRows.length).toBeGreaterThan(0);
    // The earlier row: one document, the KEV keys after the group's.
    for (const row of kevRows) {
      const own = await FindingListRowModel.findById(row._id.slice('kev|'.length)).lean();
      await FindingListRowModel.updateOne({ _id: own!._id }, { $set: { rankKeys: [...own!.rankKeys, ...row.rankKeys] } });
    }
    await FindingListRowModel.deleteMany({ _id: /^kev\|/, assetId: 'lc-asset-2' });
    expect(await kevList()).toEqual(kevBefore);
    expect(await openList()).toEqual(openBefore);
    // The roll-up after the asset's next scan, which changes its findings (last seen) and so their rows.
    await FindingModel.updateMany({ assetId: 'lc-asset-2' }, { $set: { lastSeenAt: new Date() } });
    await refreshOpenFindingRollup({ assetId: 'lc-asset-2' });
    const rows = await FindingListRowModel.find({ assetId: 'lc-asset-2' }).lean();
    expect(rows.every((row) => row.rankKeys.length === 7)).toBe(true);
    expect(rows.filter((row) => row._id.startsWith('kev|')).map((row) => row._id).sort()).toEqual(kevRows.map((row) => row._id).sort());
    expect(await kevList()).toEqual(kevBefore);
    expect(await openList()).toEqual(openBefore);
  });

  it('packs a unit again whose old cells a node of the release before wrote during a rolling upgrade', async () => {
    const packsBefore = await FindingListCellPackModel.find({}).lean();
    // What that node's roll-up does: the contribution and the old cells follow the change, the packs do not.
    await FindingModel.updateMany({ assetId: 'lc-asset-1' }, { $set: { riskScore: 22.2 } });
    await refreshOpenFindingRollup({ assetId: 'lc-asset-1' });
    const rolledUp = await cellCounts();
    await FindingListCellPackModel.deleteMany({});
    await FindingListCellPackModel.insertMany(packsBefore);
    expect(await cellCounts()).not.toEqual(rolledUp);
    await v3Cells().insertOne({ _id: 'lc-b|any|high|any|any', businessUnitId: 'lc-b', ranks: { r222: 1 } });
    expect(await ensureFindingListCells()).toEqual({ rebuiltUnits: 0, repackedUnits: 1 });
    expect(await cellCounts()).toEqual(rolledUp);
    expect(await v3Cells().countDocuments({})).toBe(0);
    expect(await ensureFindingListCells()).toEqual({ rebuiltUnits: 0, repackedUnits: 0 });
  });
});

describe('findings list inside a large tie', () => {
  // 2 assets × 400 findings of one risk score (the cap, 100) in two severities: pages inside them read tie buckets.
  const tieAssets = ['lc-tie-0', 'lc-tie-1'];
  const scope: Scope = { kind: 'units', businessUnitIds: ['lc-tie'] };

  beforeAll(async () => {
    await BusinessUnitModel.create({ _id: 'lc-tie', name: 'lc-tie', parentId: null, ancestors: [] });
    const now = new Date();
    await AssetModel.create(tieAssets.map((id) => ({ _id: id, businessUnitId: 'lc-tie', name: `${id}.example`, firstSeenAt: now, lastSeenAt: now })));
    for (const [a, assetId] of tieAssets.entries()) {
      await FindingModel.insertMany(
        Array.from({ length: 400 }, (_, i) => {
          const finding = findingOf(assetId, 'lc-tie', 1000 * (a + 1) + i);
          const severity = i % 3 === 0 ? 'high' : 'critical';
          return { ...finding, riskScore: 100, riskBucket: riskBucket(100), severity, severityRank: SEVERITY_RANK[severity] };
        }),
      );
      await refreshOpenFindingRollup({ assetId });
    }
  });

  async function expectPagesAsQuery(filters: FindingFilter[]) {
    for (const filter of filters) {
      const query = findingQuery({ scope, filter, now: new Date(), dueSoonDays: 7 });
      const total = await FindingModel.countDocuments(query);
      const last = Math.ceil(total / 25);
      for (const direction of ['desc', 'asc'] as const) {
        for (const page of [1, 2, Math.ceil(last / 2), last]) {
          const expected = await FindingModel.find(query).sort(sortOf({ by: 'risk', direction })).skip((page - 1) * 25).limit(25).lean();
          const listed = await listFindings({ scope, filter, page, pageSize: 25, sort: { by: 'risk', direction } });
          const where = `${JSON.stringify(filter)} ${direction} page ${page}`;
          expect(listed.total, where).toBe(total);
          expect(listed.items.map((item) => item.id), where).toEqual(expected.map((doc) => doc._id));
        }
      }
    }
  }

  it('pages through hundreds of findings of one score in the order of the query over the findings, every field as stored', async () => {
    await expectPagesAsQuery([{}, { status: 'open' }, { status: 'open', kev: true }, { exception: 'none', severity: 'critical' }, { status: 'fixed' }]);
    const fromRows = await listFindings({ scope, filter: { status: 'open' }, page: 3, pageSize: 25, sort: { by: 'risk', direction: 'desc' } });
    const fromFindings = await withAssetNames(
      await FindingModel.find(findingQuery({ scope, filter: { status: 'open' }, now: new Date(), dueSoonDays: 7 })).sort(sortOf({ by: 'risk', direction: 'desc' })).skip(50).limit(25).lean(),
      { now: new Date(), policy: { dueSoonDays: 7 } },
    );
    expect(fromRows.items.map(({ slaState: _, ...item }) => item)).toEqual(fromFindings.map(({ slaState: _, ...item }) => item));
  });

  it('follows a change of risk out of the tie, and gives findings recorded before the tie order theirs when the cells are built', async () => {
    await FindingModel.updateMany({ assetId: 'lc-tie-0', severity: 'high' }, { $set: { riskScore: 55.5 } });
    await refreshOpenFindingRollup({ assetId: 'lc-tie-0' });
    await expectPagesAsQuery([{ status: 'open' }, { severity: 'high' }]);
    await FindingModel.updateMany({ assetId: 'lc-tie-1' }, { $unset: { tieHash: 1 } });
    await FindingListStateModel.deleteMany({});
    forgetBuiltCounters();
    await ensureFindingListCells();
    expect(await FindingModel.countDocuments({ assetId: 'lc-tie-1', tieHash: { $type: 'number' } })).toBe(400);
    await expectPagesAsQuery([{ status: 'open' }, { status: 'open', kev: true }]);
  });
});

describe('findings list pages kept by the console (list-page-cache.ts)', () => {
  const unitA: Scope = { kind: 'units', businessUnitIds: ['lc-a'] };
  const unitB: Scope = { kind: 'units', businessUnitIds: ['lc-b'] };
  const page = (scope: Scope, filter: FindingFilter = { status: 'open' }, unkept = false) => listFindings({ scope, filter, page: 1, pageSize: 20, sort: { by: 'risk', direction: 'desc' }, unkept });

  /** The collections one call reads. */
  async function readsOf(call: () => Promise<unknown>): Promise<string[]> {
    const collections: string[] = [];
    mongoose.set('debug', (collection: string) => collections.push(collection));
    try {
      await call();
    } finally {
      mongoose.set('debug', false);
    }
    return collections;
  }

  it('serves a kept page with one read of the versions, the same as reading it, and per scope', async () => {
    const first = await page(unitA);
    expect(await readsOf(() => page(unitA))).toEqual(['finding_list_versions']);
    expect(await page(unitA)).toEqual(first);
    expect(await page(unitA, { status: 'open' }, true)).toEqual(first);
    const other = await page(unitB);
    expect(other.items.every((item) => assets.find((asset) => asset.id === item.assetId)?.unit === 'lc-b')).toBe(true);
    expect(other.items.map((item) => item.id)).not.toEqual(first.items.map((item) => item.id));
  });

  it('reads a unit’s page again after a change of its findings, and keeps the other unit’s', async () => {
    const before = await page(unitA);
    await page(unitB);
    const top = before.items[0]!;
    await FindingModel.updateOne({ _id: top.id }, { $set: { status: 'fixed' } });
    await refreshOpenFindingRollup({ assetId: top.assetId });
    const after = await page(unitA);
    expect(after.total).toBe(before.total - 1);
    expect(after.items.map((item) => item.id)).not.toContain(top.id);
    expect(await readsOf(() => page(unitB))).toEqual(['finding_list_versions']);
  });

  it('shows the due dates of a new SLA policy, in kept pages and read ones', async () => {
    const dueOf = async (unkept: boolean) => new Map((await page(unitA, { status: 'open', severity: 'high' }, unkept)).items.map((item) => [item.id, item.slaDueAt]));
    const before = await dueOf(false);
    expect(before.size).toBeGreaterThan(0);
    await SlaPolicyModel.updateOne({ _id: 'sla' }, { $set: { days: { critical: 7, high: 11, medium: 90, low: 180 }, dueSoonDays: 3 } }, { upsert: true });
    expect(await recomputeSlaDueDates({ policy: await readSlaPolicy() })).toBeGreaterThan(0);
    const expected = new Map((await FindingModel.find({ _id: { $in: [...before.keys()] } }, { slaDueAt: 1 }).lean()).map((doc) => [doc._id, doc.slaDueAt?.toISOString() ?? null]));
    expect([...expected.values()].every((due, i) => due !== [...before.values()][i])).toBe(true);
    expect(await dueOf(false)).toEqual(expected);
    expect(await dueOf(true)).toEqual(expected);
  });

  it('takes the due-soon window from the policy as read at most 10 s before, once per console', async () => {
    const at = Date.now() + 60_000;
    const first = await readRecentSlaPolicy(at);
    // A change made on another console: this one reads it again once its copy is LIST_SLA_POLICY_MAX_AGE_MS old.
    await SlaPolicyModel.updateOne({ _id: 'sla' }, { $set: { dueSoonDays: first.dueSoonDays + 4 } }, { upsert: true });
    expect((await readRecentSlaPolicy(at + LIST_SLA_POLICY_MAX_AGE_MS - 1)).dueSoonDays).toBe(first.dueSoonDays);
    expect((await readRecentSlaPolicy(at + LIST_SLA_POLICY_MAX_AGE_MS)).dueSoonDays).toBe(first.dueSoonDays + 4);
    // A clock that went back does not keep the copy.
    await SlaPolicyModel.updateOne({ _id: 'sla' }, { $set: { dueSoonDays: first.dueSoonDays } });
    expect((await readRecentSlaPolicy(at)).dueSoonDays).toBe(first.dueSoonDays);
  });
});

describe('SLA view', () => {
  it('counts per severity and state and lists the most overdue exactly as the query per state does, in every scope', async () => {
    const now = new Date();
    // Due dates around now: past (several at the same instant, so the id breaks the tie), due soon, later, none.
    const all = await FindingModel.find({}, { _id: 1 }).sort({ _id: 1 }).lean();
    await forEachWrite(
      all.map((finding, n) => ({ _id: finding._id, slaDueAt: n % 8 === 7 ? null : new Date(now.getTime() + ((n % 8) - 4) * 86_400_000 + (n % 3 === 0 ? 0 : n * 1000)) })),
      ({ _id, slaDueAt }) => FindingModel.updateOne({ _id }, { $set: { slaDueAt } }),
    );
    const policy = await readSlaPolicy();
    for (const [scopeName, scope] of Object.entries(scopes)) {
      const actionable = { ...scopeFilter(scope), ...ACTIONABLE_FINDING_FILTER };
      const expectedCounts = await Promise.all(
        KB_SEVERITIES.map(async (severity) => ({
          severity,
          ...Object.fromEntries(await Promise.all(SLA_STATES.map(async (state) => [state, await FindingModel.countDocuments({ $and: [actionable, { severity }, slaDueRange(state, now, policy)] })]))),
        })),
      );
      const breachedQuery = { $and: [actionable, slaDueRange('breached', now, policy)] };
      for (const limit of [4, 200]) {
        const overview = await getSlaOverview({ scope, limit, now });
        expect(overview.counts, scopeName).toEqual(expectedCounts);
        expect(overview.breached.total, scopeName).toBe(await FindingModel.countDocuments(breachedQuery));
        const expectedIds = (await FindingModel.find(breachedQuery, { _id: 1 }).sort({ slaDueAt: 1, _id: 1 }).limit(limit).lean()).map((doc) => doc._id);
        expect(overview.breached.items.map((item) => item.id), `${scopeName} limit ${limit}`).toEqual(expectedIds);
      }
    }
  }, 240_000);
});
