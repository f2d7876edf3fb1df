import { FindingListCellModel, type FindingListCell } from '../../models/finding-list-cell.model';
import { FindingListRowModel, type FindingListRow } from '../../models/finding-list-row.model';
import { SEVERITY_RANK, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { valueOfRankKey } from './counter-state';
import { cellKeysOfFilter, findingListCellsBuilt, inFilterCells } from './finding-list-cells';
import { findingOfListRow, rankKeyOfGroup, statusClassesOfFilter } from './finding-list-rows';
import type { FindingFilter } from './list-findings';
import { bucketsAtLevel, levelFor } from './tie-order';

/** The filters the list cells can answer: everything else reads the findings themselves. */
const CELL_FILTER_KEYS: ReadonlySet<string> = new Set(['status', 'severity', 'kev', 'exception', 'businessUnitId']);

export const servedByListCells = (filter: FindingFilter) => Object.entries(filter).every(([key, value]) => value === undefined || CELL_FILTER_KEYS.has(key));

/** The cells of these units that hold exactly the findings the filter takes, one per severity; null while the cells are not built (ensureFindingListCells). */
export async function readMatchingListCells(units: readonly string[], filter: FindingFilter): Promise<FindingListCell[] | null> {
  if (!(await findingListCellsBuilt())) return null;
  const keys = cellKeysOfFilter(filter);
  return (await Promise.all(units.map((businessUnitId) => FindingListCellModel.find({ businessUnitId, ...keys }).lean<FindingListCell[]>()))).flat();
}

/** Findings of one risk score and severity: the list's unit of reading. */
interface Group {
  riskScore: number;
  severity: KbSeverity;
  /** Matching findings per unit. */
  units: Map<string, number>;
  count: number;
}

/**
 * Findings `skip` to `skip + take` of one group in list order (tie hash, then id). A group the page takes whole is
 * one query per unit and status class; of a larger group, the buckets of the level whose buckets hold a quarter to
 * all of `skip + take` matching findings (levelFor) are read in order until enough are in hand — so a page inside
 * thousands of findings of one score reads about a page, and a deeper page reads what lies before it, as a skip
 * does. Each read is one rank key, which FerretDB hands to PostgreSQL and its pushdown index.
 */
async function readGroup(group: Group, filter: FindingFilter, skip: number, take: number, order: 1 | -1): Promise<FindingRecord[]> {
  const inOrder = (findings: FindingRecord[]) => findings.sort((a, b) => order * (a.tieHash - b.tieHash) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const keys = [...group.units.keys()].flatMap((businessUnitId) => statusClassesOfFilter(filter.status).map((statusClass) => ({ businessUnitId, statusClass, riskScore: group.riskScore, severity: group.severity })));
  const read = async (level: number, bucket: number) =>
    (await Promise.all(keys.map((key) => FindingListRowModel.find({ rankKeys: rankKeyOfGroup(key, level, bucket) }, { finding: 1 }).lean<FindingListRow[]>())))
      .flat()
      .map(findingOfListRow)
      .filter((finding) => inFilterCells(finding, filter));
  const level = skip === 0 && take >= group.count ? 0 : levelFor(group.count, skip + take);
  const buckets = bucketsAtLevel(level);
  const findings: FindingRecord[] = [];
  for (let i = 0; i < buckets && findings.length < skip + take; i++) findings.push(...inOrder(await read(level, order === 1 ? i : buckets - 1 - i)));
  return findings.slice(skip, skip + take);
}

/**
 * One page of findings in risk order (then severity, then tie order, as sortOf) from the list cells and rows: the
 * cells' counts give the total and the groups of one risk score and severity the page spans, and only those rows are
 * read. Null while the cells are not built (ensureFindingListCells), so the caller reads the findings themselves.
 */
export async function listFindingsByRisk(options: { businessUnitIds: readonly string[]; filter: FindingFilter; page: number; pageSize: number; direction: 'asc' | 'desc' }): Promise<{ docs: FindingRecord[]; total: number } | null> {
  const cells = await readMatchingListCells(options.businessUnitIds, options.filter);
  if (!cells) return null;
  const groups = new Map<string, Group>();
  let total = 0;
  for (const cell of cells) {
    for (const [rank, count] of Object.entries(cell.ranks)) {
      if (count <= 0) continue;
      const key = `${rank}|${cell.severity}`;
      const group = groups.get(key) ?? { riskScore: valueOfRankKey(rank), severity: cell.severity, units: new Map<string, number>(), count: 0 };
      group.units.set(cell.businessUnitId, (group.units.get(cell.businessUnitId) ?? 0) + count);
      group.count += count;
      groups.set(key, group);
      total += count;
    }
  }
  const order = options.direction === 'asc' ? 1 : -1;
  const offset = (options.page - 1) * options.pageSize;
  const end = offset + options.pageSize;
  const spanned: { group: Group; skip: number; take: number }[] = [];
  let before = 0;
  for (const group of [...groups.values()].sort((a, b) => order * (a.riskScore - b.riskScore) || order * (SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]))) {
    if (before >= end) break;
    if (before + group.count > offset) {
      const skip = Math.max(0, offset - before);
      spanned.push({ group, skip, take: Math.min(group.count, end - before) - skip });
    }
    before += group.count;
  }
  const pages = await Promise.all(spanned.map(({ group, skip, take }) => readGroup(group, options.filter, skip, take, order)));
  return { docs: pages.flat(), total };
}
