import { deleteAllMatching, forEachWrite } from '../../db/write-limits';
import { findingListCellCollection, FindingListCellModel, type CellExceptionKey, type CellKevKey, type CellStatusKey, type FindingListCell } from '../../models/finding-list-cell.model';
import { AssetModel } from '../../models/asset.model';
import { FindingListContributionModel, type FindingListContribution } from '../../models/finding-list-contribution.model';
import { findingListRowCollection, FindingListRowModel, type FindingListRow } from '../../models/finding-list-row.model';
import { FindingModel, isOpenFinding, type FindingRecord } from '../../models/finding.model';
import { buildCountersOnce, countersBuilt, rankKeyOf } from './counter-state';
import type { FindingFilter } from './list-findings';
import { listRowOf, refreshFindingListRows, rowStampOf } from './finding-list-rows';
import { bumpListVersions } from './list-page-cache';
import { tieHashOf } from './tie-order';

/** What puts a finding into list cells, and where in them. */
export type ListCellFinding = Pick<FindingRecord, 'businessUnitId' | 'status' | 'severity' | 'kev' | 'exceptionState' | 'riskScore'>;

type Contribution = FindingListContribution['cells'];
type CellKeys = Omit<FindingListCell, '_id' | 'ranks'>;

const WRITE_BATCH = 1000;

export const findingListCellId = (cell: CellKeys) => [cell.businessUnitId, cell.statusKey, cell.severity, cell.kevKey, cell.exceptionKey].join('|');

/** The cell's fields from its id (read from the right: a unit id may hold the separator). */
function cellOfId(id: string): CellKeys & { _id: string } {
  const parts = id.split('|');
  const [statusKey, severity, kevKey, exceptionKey] = parts.slice(-4) as [CellStatusKey, FindingListCell['severity'], CellKevKey, CellExceptionKey];
  return { _id: id, businessUnitId: parts.slice(0, -4).join('|'), statusKey, severity, kevKey, exceptionKey };
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
export function inFilterCells(finding: Pick<ListCellFinding, 'status' | 'kev' | 'exceptionState'>, filter: Pick<FindingFilter, 'status' | 'kev' | 'exception'>): boolean {
  const keys = cellKeysOfFilter(filter);
  const own = filterKeysOf(finding);
  return own.statusKeys.includes(keys.statusKey) && own.kevKeys.includes(keys.kevKey) && own.exceptionKeys.includes(keys.exceptionKey);
}

/** The keys of the cells (one per severity, or the filter's severity) that hold exactly the findings a filter takes. */
export function cellKeysOfFilter(filter: Pick<FindingFilter, 'status' | 'severity' | 'kev' | 'exception'>): Omit<CellKeys, 'businessUnitId' | 'severity'> & { severity?: FindingListCell['severity'] } {
  return {
    statusKey: filter.status ?? 'any',
    kevKey: filter.kev === undefined ? 'any' : filter.kev ? 'kev' : 'no',
    exceptionKey: filter.exception ?? 'any',
    ...(filter.severity ? { severity: filter.severity } : {}),
  };
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

async function applyToCells(change: Contribution): Promise<void> {
  for (const [id, ranks] of Object.entries(change)) {
    const { _id, ...fields } = cellOfId(id);
    const inc = Object.fromEntries(Object.entries(ranks).map(([rank, delta]) => [`ranks.${rank}`, delta]));
    await findingListCellCollection().updateOne({ _id }, { $inc: inc, $setOnInsert: fields }, { upsert: true });
  }
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
    const row = listRowOf(finding);
    rows.push(row);
    const own = byAsset.get(finding.assetId) ?? { findings: [], rows: [] };
    own.findings.push({ businessUnitId: finding.businessUnitId, status: finding.status, severity: finding.severity, kev: finding.kev, exceptionState: finding.exceptionState, riskScore: finding.riskScore });
    own.rows.push(rowStampOf(row));
    byAsset.set(finding.assetId, own);
    if (rows.length >= WRITE_BATCH) await flush();
  }
  await flush();
  await writeFindingListCells({ businessUnitId: options.businessUnitId, contributions: new Map([...byAsset].map(([assetId, own]) => [assetId, { cells: contributionOf(own.findings), rows: own.rows }])) });
  return { findings };
}

/**
 * Replaces a unit's cells and contributions by these contributions (asset id → contributionOf its findings and the
 * stamps of its rows, which the caller has written) and the cells' sum.
 */
export async function writeFindingListCells(options: { businessUnitId: string; contributions: ReadonlyMap<string, Pick<FindingListContribution, 'cells' | 'rows'>> }): Promise<void> {
  const cells: Contribution = {};
  for (const contribution of options.contributions.values()) {
    for (const [id, ranks] of Object.entries(contribution.cells)) {
      const sum = (cells[id] ??= {});
      for (const [rank, count] of Object.entries(ranks)) sum[rank] = (sum[rank] ?? 0) + count;
    }
  }
  await deleteAllMatching(FindingListContributionModel, { businessUnitId: options.businessUnitId });
  await insertInBatches((docs) => FindingListContributionModel.insertMany(docs), [...options.contributions].map(([assetId, own]) => ({ _id: assetId, businessUnitId: options.businessUnitId, ...own })));
  await FindingListCellModel.deleteMany({ businessUnitId: options.businessUnitId });
  await insertInBatches((docs) => FindingListCellModel.insertMany(docs), Object.entries(cells).map(([id, ranks]) => ({ ...cellOfId(id), ranks })));
  await bumpListVersions([options.businessUnitId]);
}

export const findingListCellsBuilt = () => countersBuilt('list-cells-v3');

/**
 * Counts every unit's cells once; until then the findings list reads the findings themselves. Run by the
 * `finding-counters` job.
 */
export const ensureFindingListCells = () => buildCountersOnce('list-cells-v3', (businessUnitId) => rebuildFindingListCells({ businessUnitId }));
