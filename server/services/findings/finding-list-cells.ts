import mongoose from 'mongoose';
import { changeByRevision } from '../../db/change-by-revision';
import { deleteAllMatching, forEachWrite } from '../../db/write-limits';
import { findingListCellPackCollection, FindingListCellPackModel, type CellCounts, type CellExceptionKey, type CellKevKey, type CellStatusKey } from '../../models/finding-list-cell-pack.model';
import { AssetModel } from '../../models/asset.model';
import { FindingListContributionModel, type FindingListContribution } from '../../models/finding-list-contribution.model';
import { findingListRowCollection, FindingListRowModel, type FindingListRow } from '../../models/finding-list-row.model';
import { FindingModel, isOpenFinding, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { buildCountersOnce, countersBuilt, rankKeyOf, valueOfRankKey } from './counter-state';
import type { FindingFilter } from './list-findings';
import { KB_SEVERITIES } from '../kb/search-kb';
import { deleteListHeads, patchListHeads, type ListHeadOfAsset } from './finding-list-heads';
import { listRowsOf, refreshFindingListRows, rowStampOf, writeListRows } from './finding-list-rows';
import { bumpListVersions } from './list-page-cache';
import { tieHashOf } from './tie-order';

/** What puts a finding into list cells, and where in them. */
export type ListCellFinding = Pick<FindingRecord, 'businessUnitId' | 'status' | 'severity' | 'kev' | 'exceptionState' | 'riskScore'>;

/** Cell id (findingListCellId) → `r<risk × 10>` → count: what contributions hold, and their differences. */
type Contribution = FindingListContribution['cells'];
/** A list cell: the findings of one unit and severity that one combination of filter keys takes. */
type CellKeys = { businessUnitId: string; statusKey: CellStatusKey; severity: KbSeverity; kevKey: CellKevKey; exceptionKey: CellExceptionKey };

const WRITE_BATCH = 1000;

export const findingListCellId = (cell: CellKeys) => [cell.businessUnitId, cell.statusKey, cell.severity, cell.kevKey, cell.exceptionKey].join('|');
/** The pack holding a combination's cells of every severity. */
export const cellPackIdOf = (keys: Omit<CellKeys, 'severity'>) => [keys.businessUnitId, keys.statusKey, keys.kevKey, keys.exceptionKey].join('|');

/** The cell's fields from its id (read from the right: a unit id may hold the separator). */
function cellOfId(id: string): CellKeys {
  const parts = id.split('|');
  const [statusKey, severity, kevKey, exceptionKey] = parts.slice(-4) as [CellStatusKey, KbSeverity, CellKevKey, CellExceptionKey];
  return { businessUnitId: parts.slice(0, -4).join('|'), statusKey, severity, kevKey, exceptionKey };
}

/** A finding's keys in each filter dimension: its own status, `open` when open, and `any`; its own KEV and exception key, and `any`. */
function filterKeysOf(finding: Pick<ListCellFinding, 'status' | 'kev' | 'exceptionState'>): { statusKeys: CellStatusKey[]; kevKeys: CellKevKey[]; exceptionKeys: CellExceptionKey[] } {
  return {
    statusKeys: [finding.status, 'any', ...(isOpenFinding(finding.status) ? (['open'] as const) : [])],
    kevKeys: [finding.kev ? 'kev' : 'no', 'any'],
    exceptionKeys: [finding.exceptionState ?? 'none', 'any'],
  };
}

/** The cells a finding counts in: every combination of its filter keys. */
function cellIdsOf(finding: ListCellFinding): string[] {
  const { statusKeys, kevKeys, exceptionKeys } = filterKeysOf(finding);
  return statusKeys.flatMap((statusKey) => kevKeys.flatMap((kevKey) => exceptionKeys.map((exceptionKey) => findingListCellId({ businessUnitId: finding.businessUnitId, statusKey, severity: finding.severity, kevKey, exceptionKey }))));
}

/**
 * Whether a finding passes a filter's status, KEV and exception conditions: exactly when it counts in the filter's
 * cells, so the rows a page shows agree with the total the cells give.
 */
export const inFilterCells = (finding: Pick<ListCellFinding, 'status' | 'kev' | 'exceptionState'>, filter: Pick<FindingFilter, 'status' | 'kev' | 'exception'>) => inCellsOf(finding, cellKeysOfFilter(filter));

/** Whether a finding counts in the cells of these filter keys. */
function inCellsOf(finding: Pick<ListCellFinding, 'status' | 'kev' | 'exceptionState'>, keys: Pick<CellKeys, 'statusKey' | 'kevKey' | 'exceptionKey'>): boolean {
  const own = filterKeysOf(finding);
  return own.statusKeys.includes(keys.statusKey) && own.kevKeys.includes(keys.kevKey) && own.exceptionKeys.includes(keys.exceptionKey);
}

/** The keys of the cells (one per severity, or the filter's severity) that hold exactly the findings a filter takes. */
export function cellKeysOfFilter(filter: Pick<FindingFilter, 'status' | 'severity' | 'kev' | 'exception'>): Omit<CellKeys, 'businessUnitId' | 'severity'> & { severity?: KbSeverity } {
  return {
    statusKey: filter.status ?? 'any',
    kevKey: filter.kev === undefined ? 'any' : filter.kev ? 'kev' : 'no',
    exceptionKey: filter.exception ?? 'any',
    ...(filter.severity ? { severity: filter.severity } : {}),
  };
}

/**
 * The list head (finding-list-heads.ts) of a unit's open findings for one KEV and exception key, of one severity or
 * (`*`) every severity: only lists of open findings have heads.
 */
const listHeadIdOf = (keys: Omit<CellKeys, 'statusKey' | 'severity'> & { severity: KbSeverity | '*' }) => `${cellPackIdOf({ ...keys, statusKey: 'open' })}|${keys.severity}`;

/** The head of each unit's list a filter takes, or null for a filter whose lists have none (a status other than `open`). */
export function listHeadIdsOfFilter(businessUnitIds: readonly string[], filter: Pick<FindingFilter, 'status' | 'severity' | 'kev' | 'exception'>): string[] | null {
  if (filter.status !== 'open') return null;
  const { kevKey, exceptionKey, severity } = cellKeysOfFilter(filter);
  return businessUnitIds.map((businessUnitId) => listHeadIdOf({ businessUnitId, kevKey, exceptionKey, severity: severity ?? '*' }));
}

/** The heads holding, or that would hold, the findings of these cells: for a cell of open findings, its severity's and every severity's. */
function listHeadsOfCells(cellIds: Iterable<string>): ListHeadOfAsset[] {
  const heads = new Map<string, ListHeadOfAsset>();
  for (const id of cellIds) {
    const cell = cellOfId(id);
    if (cell.statusKey !== 'open') continue;
    for (const severity of [cell.severity, '*'] as const) {
      const _id = listHeadIdOf({ ...cell, severity });
      const takes = (finding: FindingRecord) => finding.businessUnitId === cell.businessUnitId && (severity === '*' || finding.severity === severity) && inCellsOf(finding, cell);
      heads.set(_id, { _id, businessUnitId: cell.businessUnitId, takes });
    }
  }
  return [...heads.values()];
}

export function contributionOf(findings: readonly ListCellFinding[]): Contribution {
  const cells: Contribution = {};
  for (const finding of findings) {
    const rank = rankKeyOf(finding.riskScore);
    for (const id of cellIdsOf(finding)) {
      const ranks = (cells[id] ??= {});
      ranks[rank] = (ranks[rank] ?? 0) + 1;
    }
  }
  return cells;
}

/** after − before, per cell and rank; cells and ranks without a change left out. */
export function contributionChange(before: Contribution, after: Contribution): Contribution {
  const change: Contribution = {};
  for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const old = before[id] ?? {};
    const now = after[id] ?? {};
    for (const rank of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const delta = (now[rank] ?? 0) - (old[rank] ?? 0);
      if (delta !== 0) (change[id] ??= {})[rank] = delta;
    }
  }
  return change;
}

/** Counts as one string, severities and scores in a fixed order and zero counts left out: equal counts, equal strings. */
export function packCounts(counts: CellCounts): string {
  const packed: CellCounts = {};
  for (const severity of KB_SEVERITIES) {
    const ranks = Object.entries(counts[severity] ?? {}).filter(([, count]) => count !== 0);
    if (ranks.length > 0) packed[severity] = Object.fromEntries(ranks.sort(([a], [b]) => valueOfRankKey(b) - valueOfRankKey(a)));
  }
  return JSON.stringify(packed);
}

export const unpackCounts = (counts: string) => JSON.parse(counts) as CellCounts;

/** Adds counts keyed twice (cell or severity, then rank) to `into`. */
function addCounts<T extends Partial<Record<string, Record<string, number>>>>(into: T, change: T): T {
  const target = into as Partial<Record<string, Record<string, number>>>;
  for (const [key, ranks] of Object.entries(change)) {
    const own = (target[key] ??= {});
    for (const [rank, count] of Object.entries(ranks ?? {})) own[rank] = (own[rank] ?? 0) + count;
  }
  return into;
}

/** Cells (or their changes) by the pack that holds them. */
function byPack(cells: Contribution): Map<string, { businessUnitId: string; counts: CellCounts }> {
  const packs = new Map<string, { businessUnitId: string; counts: CellCounts }>();
  for (const [id, ranks] of Object.entries(cells)) {
    const { severity, ...keys } = cellOfId(id);
    const packId = cellPackIdOf(keys);
    const pack = packs.get(packId) ?? { businessUnitId: keys.businessUnitId, counts: {} };
    addCounts(pack.counts, { [severity]: ranks });
    packs.set(packId, pack);
  }
  return packs;
}

/**
 * Adds a change to a pack: read, add, and write back only if no one wrote it in between (changeByRevision). Roll-ups
 * of different assets of a unit write the same packs.
 */
const changeCellPack = (options: { _id: string; businessUnitId: string; change: CellCounts }) =>
  changeByRevision({
    collection: findingListCellPackCollection(),
    _id: options._id,
    what: `The findings list cells ${options._id}`,
    decide: (pack) =>
      pack
        ? { set: { counts: packCounts(addCounts(unpackCounts(pack.counts), options.change)) } }
        : { insert: { _id: options._id, businessUnitId: options.businessUnitId, counts: packCounts(options.change), revision: 1 } },
  });

async function applyToCells(change: Contribution): Promise<void> {
  for (const [_id, pack] of byPack(change)) await changeCellPack({ _id, businessUnitId: pack.businessUnitId, change: pack.counts });
}

/**
 * Brings the list cells and rows up to date with one asset's findings (all of them, as they are now): called by the
 * asset's roll-up after every change of its findings. Two refreshes of one asset at the same moment could both apply
 * the same difference: refreshOpenFindingRollup, the one caller, runs one refresh of an asset at a time (withClaim).
 */
export async function refreshFindingListContribution(options: { assetId: string; businessUnitId: string; findings: readonly FindingRecord[] }): Promise<void> {
  const stored = await FindingListContributionModel.findById(options.assetId).lean();
  const after = contributionOf(options.findings);
  await applyToCells(contributionChange(stored?.cells ?? {}, after));
  const rows = await refreshFindingListRows({ assetId: options.assetId, findings: options.findings, stamps: stored?.rows ?? [] });
  // After the rows, so that a head read from them meanwhile is either changed here or includes them.
  await patchListHeads({ assetId: options.assetId, findings: options.findings, heads: listHeadsOfCells(new Set([...Object.keys(stored?.cells ?? {}), ...Object.keys(after)])) });
  await FindingListContributionModel.updateOne({ _id: options.assetId }, { $set: { businessUnitId: options.businessUnitId, cells: after, rows } }, { upsert: true });
  // An asset moved to another unit changed both units' lists.
  await bumpListVersions([options.businessUnitId, ...(stored ? [stored.businessUnitId] : [])]);
}

async function insertInBatches<T>(insert: (docs: T[]) => Promise<unknown>, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += WRITE_BATCH) await insert(docs.slice(i, i + WRITE_BATCH));
}

/**
 * Recounts a unit's cells, rows and its assets' contributions from its findings, in one pass over them; findings
 * recorded before their tie order existed (tie-order.ts) get it on the way.
 */
export async function rebuildFindingListCells(options: { businessUnitId: string }): Promise<{ findings: number }> {
  const byAsset = new Map<string, { findings: ListCellFinding[]; rows: string[] }>();
  let findings = 0;
  let untied: string[] = [];
  let rows: FindingListRow[] = [];
  const flush = async () => {
    await forEachWrite(untied, (_id) => FindingModel.updateOne({ _id }, { $set: { tieHash: tieHashOf(_id) } }));
    if (rows.length > 0) await findingListRowCollection().insertMany(rows, { ordered: false });
    [untied, rows] = [[], []];
  };
  // By asset: FerretDB 1.24 deletes a unit's hundred thousand rows as one statement with a parameter each, over the
  // protocol's 65,535.
  const [assets, contributions] = await Promise.all([AssetModel.find({ businessUnitId: options.businessUnitId }, { _id: 1 }).lean(), FindingListContributionModel.find({ businessUnitId: options.businessUnitId }, { _id: 1 }).lean()]);
  await forEachWrite([...new Set([...assets, ...contributions].map((doc) => doc._id))], (assetId) => FindingListRowModel.deleteMany({ assetId }));
  for await (const finding of FindingModel.find({ businessUnitId: options.businessUnitId }).lean<FindingRecord>().cursor()) {
    findings += 1;
    if (finding.tieHash === undefined || finding.tieHash === null) {
      finding.tieHash = tieHashOf(finding._id);
      untied.push(finding._id);
    }
    const findingRows = listRowsOf(finding);
    rows.push(...findingRows);
    const own = byAsset.get(finding.assetId) ?? { findings: [], rows: [] };
    own.findings.push({ businessUnitId: finding.businessUnitId, status: finding.status, severity: finding.severity, kev: finding.kev, exceptionState: finding.exceptionState, riskScore: finding.riskScore });
    own.rows.push(...findingRows.map(rowStampOf));
    byAsset.set(finding.assetId, own);
    if (rows.length >= WRITE_BATCH) await flush();
  }
  await flush();
  await writeFindingListCells({ businessUnitId: options.businessUnitId, contributions: new Map([...byAsset].map(([assetId, own]) => [assetId, { cells: contributionOf(own.findings), rows: own.rows }])) });
  return { findings };
}

/** Replaces a unit's cell packs by these cells (cell id → counts). */
async function writeCellPacks(options: { businessUnitId: string; cells: Contribution }): Promise<void> {
  await FindingListCellPackModel.deleteMany({ businessUnitId: options.businessUnitId });
  const packs = [...byPack(options.cells)].map(([_id, pack]) => ({ _id, businessUnitId: pack.businessUnitId, counts: packCounts(pack.counts), revision: 1 }));
  await insertInBatches((docs) => FindingListCellPackModel.insertMany(docs), packs);
}

/**
 * Replaces a unit's cells and contributions by these contributions (asset id → contributionOf its findings and the
 * stamps of its rows, which the caller has written) and the cells' sum.
 */
export async function writeFindingListCells(options: { businessUnitId: string; contributions: ReadonlyMap<string, Pick<FindingListContribution, 'cells' | 'rows'>> }): Promise<void> {
  await deleteAllMatching(FindingListContributionModel, { businessUnitId: options.businessUnitId });
  await insertInBatches((docs) => FindingListContributionModel.insertMany(docs), [...options.contributions].map(([assetId, own]) => ({ _id: assetId, businessUnitId: options.businessUnitId, ...own })));
  const cells: Contribution = {};
  for (const contribution of options.contributions.values()) addCounts(cells, contribution.cells);
  await writeCellPacks({ businessUnitId: options.businessUnitId, cells });
  await deleteListHeads(options.businessUnitId);
  await bumpListVersions([options.businessUnitId]);
}

/** Where `list-cells-v3` kept its cells: a document per unit, filter keys and severity, a field per risk score. */
const v3Cells = () => mongoose.connection.db!.collection<{ _id: string; businessUnitId: string }>('finding_list_cells');

/**
 * What `list-cells-v3` kept of a unit becomes what `list-cells-v4` keeps, without a recount: its old cell documents
 * deleted, and one pack per combination of filter keys summed from the stored contributions (both versions keep
 * those alike); its KEV findings given their rows under KEV keys (their stamps are then out of date, so the asset's
 * next roll-up writes those rows once more). The old documents go first: a node of the release before that writes
 * them again meanwhile leaves them for the next run (ensureFindingListCells).
 */
async function upgradeUnitFromV3(options: { businessUnitId: string }): Promise<void> {
  await v3Cells().deleteMany({ businessUnitId: options.businessUnitId });
  const cells: Contribution = {};
  for await (const contribution of FindingListContributionModel.find({ businessUnitId: options.businessUnitId }, { cells: 1 }).lean().cursor()) addCounts(cells, contribution.cells);
  await writeCellPacks({ businessUnitId: options.businessUnitId, cells });
  let rows: FindingListRow[] = [];
  for await (const finding of FindingModel.find({ businessUnitId: options.businessUnitId, kev: true }).lean<FindingRecord>().cursor()) {
    rows.push(...listRowsOf(finding));
    if (rows.length >= WRITE_BATCH) {
      await writeListRows(rows);
      rows = [];
    }
  }
  await writeListRows(rows);
  await deleteListHeads(options.businessUnitId);
  await bumpListVersions([options.businessUnitId]);
}

export const findingListCellsBuilt = () => countersBuilt('list-cells-v4');

/**
 * Counts every unit's cells once — upgraded from what `list-cells-v3` kept where it was built, else from the
 * findings; until then the findings list reads the findings themselves. Then upgrades again every unit whose old
 * cells are back: during a rolling upgrade, a node still on the release before applies its roll-ups to them and to
 * the contributions, not to the packs. Run by the `finding-counters` job.
 */
export async function ensureFindingListCells(): Promise<{ rebuiltUnits: number; repackedUnits: number }> {
  const fromV3 = await countersBuilt('list-cells-v3');
  const { rebuiltUnits } = await buildCountersOnce('list-cells-v4', (businessUnitId) => (fromV3 ? upgradeUnitFromV3({ businessUnitId }) : rebuildFindingListCells({ businessUnitId })));
  const stale = (await v3Cells().distinct('businessUnitId')) as string[];
  for (const businessUnitId of stale) await upgradeUnitFromV3({ businessUnitId });
  return { rebuiltUnits, repackedUnits: stale.length };
}
