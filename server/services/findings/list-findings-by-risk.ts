import { findingListCellPackCollection } from '../../models/finding-list-cell-pack.model';
import type { FindingListHead } from '../../models/finding-list-head.model';
import { findingListRowCollection } from '../../models/finding-list-row.model';
import { SEVERITY_RANK, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { valueOfRankKey } from './counter-state';
import { cellKeysOfFilter, cellPackIdOf, findingListCellsBuilt, inFilterCells, listHeadIdsOfFilter, unpackCounts } from './finding-list-cells';
import { compareInRiskOrder, findingsOfHead, headHolds, LIST_HEAD_SIZE, readListHeads, refillListHead } from './finding-list-heads';
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

/** The groups of one risk score and severity the cells hold, and how many findings they hold in all. */
function groupsOf(cells: readonly ListCell[]): { groups: Group[]; total: number } {
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
  return { groups: [...groups.values()], total };
}

/** Findings `offset` to `end` in risk order, read from the rows of only the groups they span. */
async function pageOfRows(options: { groups: readonly Group[]; filter: FindingFilter; offset: number; end: number; order: 1 | -1 }): Promise<FindingRecord[]> {
  const { order, offset, end } = options;
  const spanned: { group: Group; skip: number; take: number }[] = [];
  let before = 0;
  for (const group of [...options.groups].sort((a, b) => order * (a.riskScore - b.riskScore) || order * (SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]))) {
    if (before >= end) break;
    if (before + group.count > offset) {
      const skip = Math.max(0, offset - before);
      spanned.push({ group, skip, take: Math.min(group.count, end - before) - skip });
    }
    before += group.count;
  }
  return (await Promise.all(spanned.map(({ group, skip, take }) => readGroup(group, options.filter, skip, take, order)))).flat();
}

/**
 * Page N of each unit's head (finding-list-heads.ts), merged: one document per unit. A unit whose head is missing or
 * short of the page has its first LIST_HEAD_SIZE findings read from the rows, after its cells are read again (the
 * head first, then the cells, then the rows: what a roll-up changed in between changes the head's revision).
 */
async function pageOfHeads(options: { businessUnitIds: readonly string[]; headIds: readonly string[]; heads: readonly (FindingListHead | null)[]; filter: FindingFilter; offset: number; end: number }): Promise<FindingRecord[]> {
  const firsts = await Promise.all(
    options.businessUnitIds.map(async (businessUnitId, i) => {
      const head = options.heads[i]!;
      if (headHolds(head, options.end)) return findingsOfHead(head, options.end);
      const read = async (take: number) => pageOfRows({ groups: groupsOf((await readMatchingListCells([businessUnitId], options.filter)) ?? []).groups, filter: options.filter, offset: 0, end: take, order: -1 });
      return (await refillListHead({ _id: options.headIds[i]!, businessUnitId, head, read })).slice(0, options.end);
    }),
  );
  return firsts.flat().sort(compareInRiskOrder).slice(options.offset, options.end);
}

/**
 * One page of findings in risk order (then severity, then tie order, as sortOf) from the list cells and rows: the
 * cells' counts give the total and the groups of one risk score and severity the page spans, and only those rows are
 * read; the first pages of open findings, descending, come from the units' list heads. Null while the cells are not
 * built (ensureFindingListCells), so the caller reads the findings themselves.
 */
export async function listFindingsByRisk(options: { businessUnitIds: readonly string[]; filter: FindingFilter; page: number; pageSize: number; direction: 'asc' | 'desc' }): Promise<{ docs: FindingRecord[]; total: number } | null> {
  const offset = (options.page - 1) * options.pageSize;
  const end = offset + options.pageSize;
  const headIds = options.direction === 'desc' && end <= LIST_HEAD_SIZE ? listHeadIdsOfFilter(options.businessUnitIds, options.filter) : null;
  const [cells, heads] = await Promise.all([readMatchingListCells(options.businessUnitIds, options.filter), headIds ? readListHeads(headIds) : null]);
  if (!cells) return null;
  const { groups, total } = groupsOf(cells);
  const docs =
    headIds && heads
      ? await pageOfHeads({ businessUnitIds: options.businessUnitIds, headIds, heads, filter: options.filter, offset, end })
      : await pageOfRows({ groups, filter: options.filter, offset, end, order: options.direction === 'asc' ? 1 : -1 });
  return { docs, total };
}
