import { findingListCellPackCollection } from '../../models/finding-list-cell-pack.model';
import { findingListRowCollection } from '../../models/finding-list-row.model';
import { SEVERITY_RANK, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { valueOfRankKey } from './counter-state';
import { cellKeysOfFilter, cellPackIdOf, findingListCellsBuilt, inFilterCells, unpackCounts } from './finding-list-cells';
import { findingOfListRow, rankKeyOfGroup, statusClassesOfFilter } from './finding-list-rows';
import type { FindingFilter } from './list-findings';
import { bucketsAtLevel, levelFor } from './tie-order';

/** The filters the list cells can answer: everything else reads the findings themselves. */
const CELL_FILTER_KEYS: ReadonlySet<string> = new Set(['status', 'severity', 'kev', 'exception', 'businessUnitId']);

export const servedByListCells = (filter: FindingFilter) => Object.entries(filter).every(([key, value]) => value === undefined || CELL_FILTER_KEYS.has(key));

/** A list cell's counts: of one unit and severity, per `r<risk × 10>`. */
export interface ListCell {
  businessUnitId: string;
  severity: KbSeverity;
  ranks: Record<string, number>;
}

/**
 * The cells of these units that hold exactly the findings the filter takes, one per severity (or the filter's): one
 * pack per unit. Null while the cells are not built (ensureFindingListCells).
 */
export async function readMatchingListCells(units: readonly string[], filter: FindingFilter): Promise<ListCell[] | null> {
  if (!(await findingListCellsBuilt())) return null;
  const { severity, ...keys } = cellKeysOfFilter(filter);
  const packs = await Promise.all(units.map((businessUnitId) => findingListCellPackCollection().findOne({ _id: cellPackIdOf({ businessUnitId, ...keys }) }, { projection: { counts: 1 } })));
  return units.flatMap((businessUnitId, i) =>
    Object.entries(packs[i] ? unpackCounts(packs[i].counts) : {}).flatMap(([own, ranks]) => (severity === undefined || own === severity ? [{ businessUnitId, severity: own as KbSeverity, ranks }] : [])),
  );
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
 * one query per unit and status class (under its KEV group for a KEV filter); of a larger group, the buckets of the
 * level whose buckets hold a quarter to all of `skip + take` matching findings (levelFor) are read in order until
 * enough are in hand, as many at once as should hold them on average — so a page inside thousands of findings of one
 * score reads about a page, and a deeper page reads what lies before it, as a skip does. Each read is one rank key,
 * which FerretDB hands to PostgreSQL and its pushdown index.
 */
async function readGroup(group: Group, filter: FindingFilter, skip: number, take: number, order: 1 | -1): Promise<FindingRecord[]> {
  const inOrder = (findings: FindingRecord[]) => findings.sort((a, b) => order * (a.tieHash - b.tieHash) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const keys = [...group.units.keys()].flatMap((businessUnitId) => statusClassesOfFilter(filter.status).map((statusClass) => ({ businessUnitId, statusClass, riskScore: group.riskScore, severity: group.severity, kevOnly: filter.kev === true })));
  const read = async (level: number, bucket: number) =>
    (await Promise.all(keys.map((key) => findingListRowCollection().find({ rankKeys: rankKeyOfGroup(key, level, bucket) }, { projection: { finding: 1 } }).toArray())))
      .flat()
      .map(findingOfListRow)
      .filter((finding) => inFilterCells(finding, filter));
  const level = skip === 0 && take >= group.count ? 0 : levelFor(group.count, skip + take);
  const buckets = bucketsAtLevel(level);
  const nth = (i: number) => (order === 1 ? i : buckets - 1 - i);
  // The buckets that hold `skip + take` findings on average are read at once, then one by one while short.
  const expected = Math.min(buckets, Math.ceil((skip + take) / (group.count / buckets)));
  const findings = (await Promise.all(Array.from({ length: expected }, (_, i) => read(level, nth(i))))).flatMap(inOrder);
  for (let i = expected; i < buckets && findings.length < skip + take; i++) findings.push(...inOrder(await read(level, nth(i))));
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
