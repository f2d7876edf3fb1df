import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../../../server/auth/scope';
import { AssetModel } from '../../../../server/models/asset.model';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { FindingListHeadSetModel } from '../../../../server/models/finding-list-head-set.model';
import { FindingListHeadModel } from '../../../../server/models/finding-list-head.model';
import { FindingListStateModel } from '../../../../server/models/finding-list-state.model';
import { FindingModel, SEVERITY_RANK, type FindingRecord } from '../../../../server/models/finding.model';
import type { KbSeverity } from '../../../../server/models/kb-vulnerability.model';
import { rebuildFindingListCells } from '../../../../server/services/findings/finding-list-cells';
import { findingsOfHead, headEntriesOf, LIST_HEAD_SIZE, refillListHead } from '../../../../server/services/findings/finding-list-heads';
import { rowPayloadOf } from '../../../../server/services/findings/finding-list-rows';
import { findingQuery, listFindings, sortOf, type FindingFilter } from '../../../../server/services/findings/list-findings';
import { refreshOpenFindingRollup } from '../../../../server/services/findings/risk-rollup';
import { riskBucket } from '../../../../server/services/findings/risk-score';
import { tieHashOf } from '../../../../server/services/findings/tie-order';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

/**
 * List heads (README "Findings list at a million findings"), on real FerretDB: the first pages of open findings in
 * risk order come from one document per unit, made by the first read, kept by the assets' roll-ups through every
 * kind of change and while reads refill them at the same moment, and always equal to the query over the findings.
 */
const { uri } = testDatabaseUri();
const UNITS = ['lh-a', 'lh-b'];
const SEVERITIES: KbSeverity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];
const STATUSES = ['new', 'active', 'reopened', 'fixed'] as const;
const ASSETS = Array.from({ length: 10 }, (_, i) => ({ id: `lh-asset-${i}`, unit: UNITS[i % 2]! }));
const FINDINGS_PER_ASSET = 60;

function findingOf(assetId: string, businessUnitId: string, n: number): FindingRecord {
  const severity = SEVERITIES[n % SEVERITIES.length]!;
  // 0–99.9 in steps of 0.1, some shared: ties are broken by tie hash and id.
  const riskScore = ((n * 37) % 1000) / 10;
  const now = new Date();
  const vulnId = `CVE-2026-${String(30000 + n)}`;
  const _id = `${assetId}|${vulnId} deb pkg-${n}`;
  return {
    _id, tieHash: tieHashOf(_id), businessUnitId, assetId, vulnId, vglId: `VGL-${n}`, cves: [vulnId],
    ecosystem: 'deb', package: `pkg-${n}`, sourcePackage: null, installedVersion: '1.0-1', fixedVersion: '1.0-2', unfixed: false, severity, severityRank: SEVERITY_RANK[severity],
    cvss: 5, epss: 0.1, kev: n % 5 === 0, kevDueAt: null, rule: 'test', ruleSource: 'osv', confidence: 'confirmed', port: null, riskScore, riskBucket: riskBucket(riskScore),
    slaDueAt: null, status: STATUSES[n % 4]!, timesSeen: 1, firstSeenAt: now, lastSeenAt: now, fixedAt: null, fixedReason: null, reopenedAt: null, lastRunId: 'run',
    exceptionId: null, exceptionState: n % 9 === 4 ? 'risk-accepted' : null, exceptionExpiresAt: null,
  } as FindingRecord;
}

beforeAll(async () => {
  await openTestRuntime({ uri });
  await BusinessUnitModel.create(UNITS.map((_id) => ({ _id, name: _id, parentId: null, ancestors: [] })));
  const now = new Date();
  await AssetModel.create(ASSETS.map(({ id, unit }) => ({ _id: id, businessUnitId: unit, name: `${id}.example`, firstSeenAt: now, lastSeenAt: now })));
  for (const [a, { id, unit }] of ASSETS.entries()) {
    await FindingModel.insertMany(Array.from({ length: FINDINGS_PER_ASSET }, (_, i) => findingOf(id, unit, a * FINDINGS_PER_ASSET + i)));
    await refreshOpenFindingRollup({ assetId: id });
  }
  await FindingListStateModel.create({ _id: 'list-cells-v4', builtAt: now });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

const unitA: Scope = { kind: 'units', businessUnitIds: ['lh-a'] };
const scopes: Scope[] = [unitA, { kind: 'units', businessUnitIds: UNITS }, { kind: 'system' }];
/** Lists with heads: open findings, with and without each other filter the cells answer. */
const filters: FindingFilter[] = [{ status: 'open' }, { status: 'open', severity: 'critical' }, { status: 'open', kev: true }, { status: 'open', exception: 'none', severity: 'high' }, { status: 'open', exception: 'risk-accepted' }];

const ordered = (scope: Scope, filter: FindingFilter) => FindingModel.find(findingQuery({ scope, filter, now: new Date(), dueSoonDays: 7 })).sort(sortOf({ by: 'risk', direction: 'desc' }));

/** Page 1 at 25, 50 and 100 a page and page 2 at 50, read afresh (no page kept), against the query over the findings, every field. */
async function expectFirstPagesAsQuery() {
  for (const scope of scopes) {
    for (const filter of filters) {
      const total = await FindingModel.countDocuments(findingQuery({ scope, filter, now: new Date(), dueSoonDays: 7 }));
      for (const [page, pageSize] of [[1, 25], [1, 50], [2, 50], [1, 100]] as const) {
        const expected = await ordered(scope, filter).skip((page - 1) * pageSize).limit(pageSize).lean<FindingRecord[]>();
        const listed = await listFindings({ scope, filter, page, pageSize, sort: { by: 'risk', direction: 'desc' }, unkept: true });
        const where = `${JSON.stringify(scope)} ${JSON.stringify(filter)} page ${page} of ${pageSize}`;
        expect(listed.total, where).toBe(total);
        expect(listed.items.map((item) => item.id), where).toEqual(expected.map((doc) => doc._id));
        expect(listed.items.map((item) => [item.status, item.riskScore, item.exceptionState, new Date(item.lastSeenAt).getTime(), item.assetName]), where).toEqual(
          expected.map((doc) => [doc.status, doc.riskScore, doc.exceptionState, doc.lastSeenAt.getTime(), doc.assetName]),
        );
      }
    }
  }
}

/** The filter of a head from its id: `<unit>|open|<kev key>|<exception key>|<severity or *>`. */
function filterOfHead(_id: string): { unit: string; filter: FindingFilter } {
  const [unit, , kevKey, exceptionKey, severity] = _id.split('|') as [string, string, string, string, string];
  return {
    unit,
    filter: {
      status: 'open',
      ...(kevKey === 'any' ? {} : { kev: kevKey === 'kev' }),
      ...(exceptionKey === 'any' ? {} : { exception: exceptionKey as FindingFilter['exception'] }),
      ...(severity === '*' ? {} : { severity: severity as KbSeverity }),
    },
  };
}

/** Every head is the beginning of its list, every field as stored, and the whole list when it says so. */
async function expectHeadsTrue(): Promise<number> {
  const heads = await FindingListHeadModel.find({}).lean();
  for (const head of heads) {
    const { unit, filter } = filterOfHead(head._id);
    const scope: Scope = { kind: 'units', businessUnitIds: [unit] };
    const expected = await ordered(scope, filter).limit(head.count).lean<FindingRecord[]>();
    expect(findingsOfHead(head).map(rowPayloadOf), head._id).toEqual(expected.map(rowPayloadOf));
    if (head.exhaustive) expect(await FindingModel.countDocuments(findingQuery({ scope, filter, now: new Date(), dueSoonDays: 7 })), head._id).toBe(head.count);
  }
  return heads.length;
}

/** The collections one call reads (mongoose's debug hook, which also sees the plain connection's). */
async function collectionsRead(call: () => Promise<unknown>): Promise<string[]> {
  const read: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => {
    if (method.startsWith('find')) read.push(collection);
  });
  try {
    await call();
  } finally {
    mongoose.set('debug', false);
  }
  return read;
}

describe('findings list heads', () => {
  const TIMEOUT = 240_000;

  it('makes each unit’s head on the first read, then serves the first pages from one document per unit', async () => {
    const first = () => listFindings({ scope: unitA, filter: { status: 'open' }, page: 1, pageSize: 50, sort: { by: 'risk', direction: 'desc' }, unkept: true });
    expect(await collectionsRead(first)).toContain('finding_list_rows');
    const head = await FindingListHeadModel.findOne({ _id: 'lh-a|open|any|any|*' }).lean();
    expect(head).toMatchObject({ businessUnitId: 'lh-a', count: LIST_HEAD_SIZE, exhaustive: false });
    // Named in its unit's set, which the roll-ups read to know which heads to look up.
    expect((await FindingListHeadSetModel.findById('lh-a').lean())?.heads).toEqual(['lh-a|open|any|any|*']);
    expect((await collectionsRead(first)).sort()).toEqual(['finding_list_cell_packs', 'finding_list_heads']);
    // A deeper page, the other order or another status reads the rows.
    expect(await collectionsRead(() => listFindings({ scope: unitA, filter: { status: 'open' }, page: 3, pageSize: 50, sort: { by: 'risk', direction: 'desc' }, unkept: true }))).toContain('finding_list_rows');
    expect(await collectionsRead(() => listFindings({ scope: unitA, filter: { status: 'open' }, page: 1, pageSize: 50, sort: { by: 'risk', direction: 'asc' }, unkept: true }))).not.toContain('finding_list_heads');
    expect(await collectionsRead(() => listFindings({ scope: unitA, filter: { status: 'active' }, page: 1, pageSize: 50, sort: { by: 'risk', direction: 'desc' }, unkept: true }))).not.toContain('finding_list_heads');
    await expectFirstPagesAsQuery();
    // A short list's head holds all of it.
    expect(await FindingListHeadModel.findOne({ _id: 'lh-a|open|kev|any|*' }).lean()).toMatchObject({ exhaustive: true });
    expect(await expectHeadsTrue()).toBe(filters.length * UNITS.length);
  }, TIMEOUT);

  it('follows each kind of change through the roll-up: a finding rising to the top, fixed, accepted, re-scored down, seen again, deleted, new', async () => {
    const [top] = await ordered(unitA, { status: 'open' }).limit(1).lean<FindingRecord[]>();
    const asset0 = 'lh-asset-0';
    await FindingModel.updateOne({ assetId: asset0, status: 'active', riskScore: { $lt: 20 } }, { $set: { riskScore: 100, riskBucket: riskBucket(100) } });
    await FindingModel.updateOne({ _id: top!._id }, { $set: { status: 'fixed' } });
    await FindingModel.updateMany({ assetId: 'lh-asset-2', riskScore: { $gt: 80 } }, { $set: { exceptionState: 'risk-accepted', exceptionId: 'x' } });
    await FindingModel.updateMany({ assetId: 'lh-asset-4', riskScore: { $gt: 90 } }, { $set: { riskScore: 10.5, riskBucket: riskBucket(10.5) } });
    await FindingModel.updateMany({ assetId: 'lh-asset-6' }, { $set: { lastSeenAt: new Date(Date.now() + 60_000) } });
    await FindingModel.deleteMany({ assetId: 'lh-asset-8', riskScore: { $gt: 70 } });
    await FindingModel.insertMany([{ ...findingOf(asset0, 'lh-a', 9999), riskScore: 100, riskBucket: riskBucket(100), status: 'new', severity: 'critical', severityRank: SEVERITY_RANK.critical }]);
    for (const asset of ASSETS.filter((one) => one.unit === 'lh-a')) await refreshOpenFindingRollup({ assetId: asset.id });
    await expectHeadsTrue();
    await expectFirstPagesAsQuery();
  }, TIMEOUT);

  it('reads a head again from the rows once too few of its findings are left for the page', async () => {
    const before = await FindingListHeadModel.findOne({ _id: 'lh-b|open|any|any|*' }).lean();
    // Most of unit b's riskiest open findings fixed: the head keeps fewer than a page of 50.
    const riskiest = await ordered({ kind: 'units', businessUnitIds: ['lh-b'] }, { status: 'open' }).limit(90).lean<FindingRecord[]>();
    await FindingModel.updateMany({ _id: { $in: riskiest.map((doc) => doc._id) } }, { $set: { status: 'fixed' } });
    for (const asset of ASSETS.filter((one) => one.unit === 'lh-b')) await refreshOpenFindingRollup({ assetId: asset.id });
    const shortened = await FindingListHeadModel.findOne({ _id: 'lh-b|open|any|any|*' }).lean();
    expect(shortened!.count).toBeLessThan(50);
    expect(shortened!.revision).toBeGreaterThan(before!.revision);
    await expectHeadsTrue();
    await expectFirstPagesAsQuery();
    expect(await FindingListHeadModel.findOne({ _id: 'lh-b|open|any|any|*' }).lean()).toMatchObject({ count: LIST_HEAD_SIZE, exhaustive: false });
  }, TIMEOUT);

  it('stays the beginning of its list while roll-ups and reads that refill it run at the same moment', async () => {
    let reading = true;
    const readers = Array.from({ length: 4 }, async (_, r) => {
      for (let i = 0; reading; i++) await listFindings({ scope: scopes[(r + i) % scopes.length]!, filter: filters[(r + i) % filters.length]!, page: 1, pageSize: 50, sort: { by: 'risk', direction: 'desc' }, unkept: true });
    });
    for (let round = 0; round < 4; round++) {
      // Each round moves a different share of the findings in and out of the top and of the open lists.
      for (const [a, asset] of ASSETS.entries()) {
        await FindingModel.updateMany({ assetId: asset.id, vulnId: { $regex: `[${(a + round) % 10}]$` } }, { $set: { status: round % 2 === 0 ? 'fixed' : 'reopened', riskScore: 95 + round + a / 10 } });
      }
      await Promise.all(ASSETS.map((asset) => refreshOpenFindingRollup({ assetId: asset.id })));
    }
    reading = false;
    await Promise.all(readers);
    expect(await expectHeadsTrue()).toBe(filters.length * UNITS.length);
    await expectFirstPagesAsQuery();
  }, TIMEOUT);

  it('does not keep what a refill read from the rows before a roll-up changed them, even a roll-up that left the head as it was', async () => {
    const _id = 'lh-a|open|any|any|*';
    const filter: FindingFilter = { status: 'open' };
    const list = await ordered(unitA, filter).limit(LIST_HEAD_SIZE).lean<FindingRecord[]>();
    // A head short of a page (its first 5 findings), and an open finding beyond it that its roll-up will fix.
    await FindingListHeadModel.updateOne({ _id }, { $set: { ...headEntriesOf(list.slice(0, 5)), exhaustive: false } });
    const head = await FindingListHeadModel.findOne({ _id }).lean();
    const leaving = list.slice(60).find((finding) => !list.slice(0, 5).some((first) => first.assetId === finding.assetId))!;
    const served = await refillListHead({
      _id,
      businessUnitId: 'lh-a',
      head,
      read: async (take) => {
        const before = await ordered(unitA, filter).limit(take).lean<FindingRecord[]>();
        await FindingModel.updateOne({ _id: leaving._id }, { $set: { status: 'fixed' } });
        await refreshOpenFindingRollup({ assetId: leaving.assetId });
        return before;
      },
    });
    expect(served.map((finding) => finding._id)).toContain(leaving._id);
    expect(await FindingListHeadModel.findOne({ _id }).lean()).toMatchObject({ count: 5 });
    await expectHeadsTrue();
    await expectFirstPagesAsQuery();
  }, TIMEOUT);

  it('forgets a unit’s heads when its rows are recounted, and keeps the other unit’s', async () => {
    await rebuildFindingListCells({ businessUnitId: 'lh-a' });
    expect(await FindingListHeadModel.countDocuments({ businessUnitId: 'lh-a' })).toBe(0);
    expect(await FindingListHeadModel.countDocuments({ businessUnitId: 'lh-b' })).toBeGreaterThan(0);
    await expectFirstPagesAsQuery();
    await expectHeadsTrue();
  }, TIMEOUT);
});
