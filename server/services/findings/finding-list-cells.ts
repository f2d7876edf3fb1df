import { findingListCellCollection, FindingListCellModel, type FindingListCell } from '../../models/finding-list-cell.model';
import { FindingListContributionModel, type FindingListContribution } from '../../models/finding-list-contribution.model';
import { FindingModel, type FindingRecord } from '../../models/finding.model';
import { buildCountersOnce, countersBuilt, rankKeyOf } from './counter-state';

/** What puts a finding into a list cell, and where in it. */
export type ListCellFinding = Pick<FindingRecord, 'businessUnitId' | 'status' | 'severity' | 'kev' | 'exceptionState' | 'riskScore'>;
export const LIST_CELL_PROJECTION = { businessUnitId: 1, status: 1, severity: 1, kev: 1, exceptionState: 1, riskScore: 1 } as const;

type Contribution = FindingListContribution['cells'];

const NONE = '-';
const WRITE_BATCH = 1000;

export const findingListCellId = (finding: Omit<ListCellFinding, 'riskScore'>) =>
  [finding.businessUnitId, finding.status, finding.severity, finding.kev ? 'kev' : NONE, finding.exceptionState ?? NONE].join('|');

/** The cell's fields from its id (read from the right: a unit id may hold the separator). */
function cellOfId(id: string): Omit<FindingListCell, 'ranks'> {
  const parts = id.split('|');
  const [status, severity, kev, exceptionState] = parts.slice(-4) as [FindingListCell['status'], FindingListCell['severity'], string, string];
  return { _id: id, businessUnitId: parts.slice(0, -4).join('|'), status, severity, kev: kev === 'kev', exceptionState: exceptionState === NONE ? null : (exceptionState as FindingListCell['exceptionState']) };
}

export function contributionOf(findings: readonly ListCellFinding[]): Contribution {
  const cells: Contribution = {};
  for (const finding of findings) {
    const ranks = (cells[findingListCellId(finding)] ??= {});
    const rank = rankKeyOf(finding.riskScore);
    ranks[rank] = (ranks[rank] ?? 0) + 1;
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
 * Brings the list cells up to date with one asset's findings (all of them, as they are now): called by the asset's
 * roll-up after every change of its findings. Two refreshes of one asset at the same moment could both apply the
 * same difference; rebuildFindingListCells recounts a unit if that ever happens.
 */
export async function refreshFindingListContribution(options: { assetId: string; businessUnitId: string; findings: readonly ListCellFinding[] }): Promise<void> {
  const stored = await FindingListContributionModel.findById(options.assetId).lean();
  const after = contributionOf(options.findings);
  await applyToCells(contributionChange(stored?.cells ?? {}, after));
  await FindingListContributionModel.updateOne({ _id: options.assetId }, { $set: { businessUnitId: options.businessUnitId, cells: after } }, { upsert: true });
}

async function insertInBatches<T>(insert: (docs: T[]) => Promise<unknown>, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += WRITE_BATCH) await insert(docs.slice(i, i + WRITE_BATCH));
}

/** Recounts a unit's cells and its assets' contributions from its findings, in one pass over them. */
export async function rebuildFindingListCells(options: { businessUnitId: string }): Promise<{ findings: number }> {
  const byAsset = new Map<string, ListCellFinding[]>();
  let findings = 0;
  for await (const finding of FindingModel.find({ businessUnitId: options.businessUnitId }, { ...LIST_CELL_PROJECTION, assetId: 1 }).lean().cursor()) {
    findings += 1;
    const own = byAsset.get(finding.assetId) ?? [];
    own.push(finding);
    byAsset.set(finding.assetId, own);
  }
  const contributions = [...byAsset].map(([assetId, own]) => ({ _id: assetId, businessUnitId: options.businessUnitId, cells: contributionOf(own) }));
  const cells = contributionChange({}, contributionOf([...byAsset.values()].flat()));
  await FindingListContributionModel.deleteMany({ businessUnitId: options.businessUnitId });
  await insertInBatches((docs) => FindingListContributionModel.insertMany(docs), contributions);
  await FindingListCellModel.deleteMany({ businessUnitId: options.businessUnitId });
  await insertInBatches((docs) => FindingListCellModel.insertMany(docs), Object.entries(cells).map(([id, ranks]) => ({ ...cellOfId(id), ranks })));
  return { findings };
}

export const findingListCellsBuilt = () => countersBuilt('cells');

/**
 * Counts every unit's cells once; until then the findings list reads the findings themselves. Run by the
 * `finding-counters` job.
 */
export const ensureFindingListCells = () => buildCountersOnce('cells', (businessUnitId) => rebuildFindingListCells({ businessUnitId }));
