import { createHash } from 'node:crypto';
import { forEachWrite } from '../../db/write-limits';
import { findingListRowCollection, FindingListRowModel, type FindingListRow } from '../../models/finding-list-row.model';
import { isOpenFinding, type FindingRecord, type FindingStatus } from '../../models/finding.model';
import type { FindingStatusFilter } from './list-findings';
import { rankKeyOf } from './counter-state';
import { bucketOfHash, TIE_LEVELS, tieHashOf } from './tie-order';

/**
 * A row's `finding`: these fields' values as a JSON array, dates as epoch milliseconds — about half the bytes of
 * the finding as an object, and FerretDB's cost per row grows with them.
 */
const ROW_FIELDS = [
  '_id', 'businessUnitId', 'assetId', 'vulnId', 'vglId', 'cves', 'ecosystem', 'package', 'sourcePackage', 'installedVersion', 'fixedVersion', 'unfixed', 'severity', 'severityRank',
  'cvss', 'epss', 'kev', 'kevDueAt', 'rule', 'ruleSource', 'confidence', 'port', 'riskScore', 'riskBucket', 'slaDueAt', 'status', 'timesSeen', 'firstSeenAt', 'lastSeenAt',
  'fixedAt', 'fixedReason', 'reopenedAt', 'lastRunId', 'assetName', 'exceptionId', 'exceptionState', 'exceptionExpiresAt', 'tieHash',
] as const satisfies readonly (keyof FindingRecord)[];
// Every field of a finding is in a row: the list shows findings from rows alone.
const _everyFieldInRows: Exclude<keyof FindingRecord, (typeof ROW_FIELDS)[number]> extends never ? true : never = true;
const DATE_FIELDS: ReadonlySet<string> = new Set(['kevDueAt', 'slaDueAt', 'firstSeenAt', 'lastSeenAt', 'fixedAt', 'reopenedAt', 'exceptionExpiresAt'] satisfies (keyof FindingRecord)[]);
/** Whether each of ROW_FIELDS is a date: looked up by position for each value read. */
const IS_DATE_FIELD = ROW_FIELDS.map((field) => DATE_FIELDS.has(field));

const encodeValue = (value: unknown) => (value instanceof Date ? value.getTime() : (value ?? null));

/**
 * A finding's status class in its rank keys: open (new, active, reopened) or closed (fixed), so a list of open
 * findings — the list people use — never reads a fixed one.
 */
export type RowStatusClass = 'open' | 'closed';
export const statusClassOf = (status: FindingStatus): RowStatusClass => (isOpenFinding(status) ? 'open' : 'closed');
/** The status classes a list's status filter reads: one for a status or `open`, both without one. */
export const statusClassesOfFilter = (status: FindingStatusFilter | undefined): RowStatusClass[] =>
  status === undefined ? ['open', 'closed'] : [status === 'open' ? 'open' : statusClassOf(status)];

/** A group of rows under one rank key: one unit's findings of a status class, risk score and severity, or their KEV findings alone. */
export interface RankGroup {
  businessUnitId: string;
  statusClass: RowStatusClass;
  riskScore: number;
  severity: string;
  kevOnly: boolean;
}

/** The key of a group's findings; with `level`, of one tie bucket of them. */
export function rankKeyOfGroup(group: RankGroup, level = 0, bucket = 0): string {
  const key = `${group.businessUnitId}|${group.statusClass === 'open' ? 'o' : 'c'}${group.kevOnly ? 'k' : ''}|${rankKeyOf(group.riskScore)}|${group.severity}`;
  return level === 0 ? key : `${key}|${level}:${bucket}`;
}

/** A KEV row's `_id`: the finding's with this before it (finding ids begin with their asset's id). */
const KEV_ROW_PREFIX = 'kev|';

/**
 * A finding's rows: one under its group's rank keys and, for a KEV finding, a second (`_id` `kev|<finding id>`) under
 * its class's KEV group, so a list of KEV findings reads only them (in the bench data, 66 rows for a page instead of
 * 151). Two rows rather than one with both sets of keys: FerretDB decodes every key of every row it reads, and a row
 * with 14 keys cost it a fifth more than one with 7 (README "Findings list at a million findings"). A row holds no
 * field of its own beyond the rank keys and the asset (its roll-up deletes by asset), for the same reason: the list's
 * other conditions (status within the class, exception) are tested on the decoded finding.
 */
export function listRowsOf(finding: FindingRecord): FindingListRow[] {
  const tieHash = finding.tieHash ?? tieHashOf(finding._id);
  const group: RankGroup = { businessUnitId: finding.businessUnitId, statusClass: statusClassOf(finding.status), riskScore: finding.riskScore, severity: finding.severity, kevOnly: false };
  const payload = rowPayloadOf(finding);
  const rowOf = (own: RankGroup): FindingListRow => ({
    _id: own.kevOnly ? `${KEV_ROW_PREFIX}${finding._id}` : finding._id,
    assetId: finding.assetId,
    rankKeys: Array.from({ length: TIE_LEVELS + 1 }, (_, level) => rankKeyOfGroup(own, level, bucketOfHash(tieHash, level))),
    finding: payload,
  });
  return finding.kev ? [rowOf(group), rowOf({ ...group, kevOnly: true })] : [rowOf(group)];
}

/** A row's `finding` (also a list head's entry): the finding's fields as a JSON array, in ROW_FIELDS' order. */
export const rowPayloadOf = (finding: FindingRecord): string =>
  JSON.stringify(ROW_FIELDS.map((field) => encodeValue(field === 'tieHash' ? (finding.tieHash ?? tieHashOf(finding._id)) : finding[field])));

/** The finding of a row's payload (rowPayloadOf). */
export const findingOfRowPayload = (payload: string): FindingRecord => findingOfRowValues(JSON.parse(payload) as unknown[]);

export const findingOfListRow = (row: Pick<FindingListRow, 'finding'>): FindingRecord => findingOfRowPayload(row.finding);

/** A finding from a row's payload, parsed. A loop, not Object.fromEntries over pairs: a third of the time, on 60 rows a page. */
export function findingOfRowValues(values: readonly unknown[]): FindingRecord {
  const finding: Record<string, unknown> = {};
  for (let i = 0; i < ROW_FIELDS.length; i++) {
    const value = values[i];
    finding[ROW_FIELDS[i]!] = value !== null && IS_DATE_FIELD[i] ? new Date(value as number) : value;
  }
  return finding as unknown as FindingRecord;
}

/** Writes these rows whole, whether or not they exist: one command per row (server/db/write-limits.ts). */
export const writeListRows = (rows: readonly FindingListRow[]) => forEachWrite(rows, (row) => findingListRowCollection().replaceOne({ _id: row._id }, row, { upsert: true }));

/** `<hash> <finding id>`: what a contribution remembers of each row, so a refresh writes only rows that changed. */
export const rowStampOf = (row: FindingListRow) => `${createHash('sha256').update(row.finding).update(row.rankKeys.join('\n')).digest('hex').slice(0, 16)} ${row._id}`;
const idOfStamp = (stamp: string) => stamp.slice(17);

/**
 * Writes the rows of an asset's findings that differ from the stamps stored for it, and deletes the rows of findings
 * it no longer has; returns the new stamps.
 */
export async function refreshFindingListRows(options: { assetId: string; findings: readonly FindingRecord[]; stamps: readonly string[] }): Promise<string[]> {
  const rows = options.findings.flatMap(listRowsOf);
  const stamps = rows.map(rowStampOf);
  const stored = new Set(options.stamps);
  // A row may exist without its stamp, after an interrupted refresh.
  await writeListRows(rows.filter((_, i) => !stored.has(stamps[i]!)));
  const kept = new Set(rows.map((row) => row._id));
  const gone = options.stamps.map(idOfStamp).filter((id) => !kept.has(id));
  // By asset first: FerretDB hands the asset to PostgreSQL's index, where an `$in` alone would read every row.
  if (gone.length > 0) await FindingListRowModel.deleteMany({ assetId: options.assetId, _id: { $in: gone } });
  return stamps;
}
