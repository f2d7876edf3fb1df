import type { FilterQuery } from 'mongoose';
import type { Scope } from '../../auth/scope';
import { unitIdsOfScope } from '../business-units/unit-scope';
import { FindingListCellModel, type FindingListCell } from '../../models/finding-list-cell.model';
import { FindingModel, OPEN_FINDING_STATUSES, type FindingRecord } from '../../models/finding.model';
import { valueOfRankKey } from './counter-state';
import { findingListCellsBuilt } from './finding-list-cells';
import { filterEqualities, type FindingFilter } from './list-findings';

/** The filters the list cells can answer: everything else reads the findings themselves. */
const CELL_FILTER_KEYS: ReadonlySet<string> = new Set(['status', 'severity', 'kev', 'exception', 'businessUnitId']);

export const servedByListCells = (filter: FindingFilter) => Object.entries(filter).every(([key, value]) => value === undefined || CELL_FILTER_KEYS.has(key));

function cellMatches(cell: FindingListCell, filter: FindingFilter): boolean {
  if (filter.status === 'open' ? !(OPEN_FINDING_STATUSES as readonly string[]).includes(cell.status) : filter.status && cell.status !== filter.status) return false;
  if (filter.severity && cell.severity !== filter.severity) return false;
  if (filter.kev !== undefined && cell.kev !== filter.kev) return false;
  if (filter.exception && (cell.exceptionState ?? null) !== (filter.exception === 'none' ? null : filter.exception)) return false;
  return true;
}

/**
 * The findings of one unit with one risk score that match the filter. Every condition but the status set and the
 * exception is a top-level equality, which FerretDB hands to PostgreSQL (and its pushdown indexes): a few hundred
 * rows at most, where the unit holds a hundred thousand.
 */
function rankQuery(businessUnitId: string, riskScore: number, filter: FindingFilter): FilterQuery<FindingRecord> {
  return {
    businessUnitId,
    riskScore,
    ...filterEqualities(filter),
    ...(filter.status === 'open' ? { status: { $in: [...OPEN_FINDING_STATUSES] } } : {}),
    ...(filter.exception ? { exceptionState: filter.exception === 'none' ? null : filter.exception } : {}),
  };
}

/** The cells of the scope's units that the filter takes; null while the cells are not built (ensureFindingListCells). */
export async function readMatchingListCells(scope: Scope, filter: FindingFilter): Promise<FindingListCell[] | null> {
  if (!(await findingListCellsBuilt())) return null;
  const units = await unitIdsOfScope(scope);
  // The filter's equalities go to the query too: PostgreSQL then returns only those cells, and FerretDB decodes fewer.
  const equalities = filterEqualities(filter);
  const cells = (await Promise.all(units.map((businessUnitId) => FindingListCellModel.find({ businessUnitId, ...equalities }).lean<FindingListCell[]>()))).flat();
  return cells.filter((cell) => cellMatches(cell, filter));
}

/**
 * One page of findings in risk order (then severity, then id, as sortOf) from the list cells: their counts give the
 * total and the risk scores the page spans, and only the findings with those scores are read. Null while the cells
 * are not built (ensureFindingListCells), so the caller reads the findings themselves.
 */
export async function listFindingsByRisk(options: { scope: Scope; filter: FindingFilter; page: number; pageSize: number; direction: 'asc' | 'desc' }): Promise<{ docs: FindingRecord[]; total: number } | null> {
  const cells = await readMatchingListCells(options.scope, options.filter);
  if (!cells) return null;
  // rank → unit → findings
  const ranks = new Map<string, Map<string, number>>();
  let total = 0;
  for (const cell of cells) {
    for (const [rank, count] of Object.entries(cell.ranks)) {
      if (count <= 0) continue;
      const byUnit = ranks.get(rank) ?? new Map<string, number>();
      byUnit.set(cell.businessUnitId, (byUnit.get(cell.businessUnitId) ?? 0) + count);
      ranks.set(rank, byUnit);
      total += count;
    }
  }
  const order = options.direction === 'asc' ? 1 : -1;
  const offset = (options.page - 1) * options.pageSize;
  const spanned: { rank: string; units: string[] }[] = [];
  let before = 0;
  let skip = 0;
  for (const [rank, byUnit] of [...ranks].sort(([a], [b]) => order * (valueOfRankKey(a) - valueOfRankKey(b)))) {
    const count = [...byUnit.values()].reduce((sum, n) => sum + n, 0);
    if (before + count > offset && before < offset + options.pageSize) {
      if (spanned.length === 0) skip = offset - before;
      spanned.push({ rank, units: [...byUnit.keys()] });
    }
    before += count;
    if (before >= offset + options.pageSize) break;
  }
  const byRank = await Promise.all(
    spanned.map(async ({ rank, units: holding }) => {
      const docs = (await Promise.all(holding.map((unit) => FindingModel.find(rankQuery(unit, valueOfRankKey(rank), options.filter)).lean<FindingRecord[]>()))).flat();
      return docs.sort((a, b) => order * (a.severityRank - b.severityRank) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    }),
  );
  return { docs: byRank.flat().slice(skip, skip + options.pageSize), total };
}
