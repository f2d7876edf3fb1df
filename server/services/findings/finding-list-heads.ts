import { changeByRevision } from '../../db/change-by-revision';
import { isDuplicateKeyError } from '../../db/duplicate-key';
import { FindingListHeadSetModel } from '../../models/finding-list-head-set.model';
import { findingListHeadCollection, FindingListHeadModel, type FindingListHead } from '../../models/finding-list-head.model';
import type { FindingRecord } from '../../models/finding.model';
import { findingOfRowPayload, findingOfRowValues, rowPayloadOf } from './finding-list-rows';
import { tieHashOf } from './tie-order';

/**
 * List heads (README "Findings list at a million findings"; finding-list-head.model.ts): the first findings of a
 * unit's list of open findings in risk order, kept as one document so that page 1 of the lists people open reads
 * one document per unit instead of a page of rows. A read that finds its head missing or short of its page reads the
 * rows and keeps what it read (refillListHead); each asset's roll-up then keeps the heads its findings are or would
 * be in (patchListHeads). 120 findings: page 1 at every page size up to 100, with room for findings to leave before
 * a head is read again from the rows.
 */
export const LIST_HEAD_SIZE = 120;

/** The risk order descending (sortOf): risk, severity, tie hash, then id ascending. */
export const compareInRiskOrder = (a: FindingRecord, b: FindingRecord) =>
  b.riskScore - a.riskScore || b.severityRank - a.severityRank || b.tieHash - a.tieHash || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

/**
 * A head's `entries`: its findings' row payloads one per line (JSON.stringify escapes every line break inside a
 * payload), so a page parses only the lines it shows.
 */
export const headEntriesOf = (findings: readonly FindingRecord[]) => ({ entries: findings.map(rowPayloadOf).join('\n'), count: findings.length });

/** The first `take` findings a head holds, in risk order. */
export function findingsOfHead(head: Pick<FindingListHead, 'entries' | 'count'>, take = head.count): FindingRecord[] {
  let end = -1;
  for (let i = 0; i < take; i++) {
    end = head.entries.indexOf('\n', end + 1);
    if (end === -1) break;
  }
  const lines = end === -1 ? head.entries : head.entries.slice(0, end);
  return lines === '' ? [] : (JSON.parse(`[${lines.replaceAll('\n', ',')}]`) as unknown[][]).map(findingOfRowValues);
}

/** Whether a head holds the list's first `end` findings. */
export const headHolds = (head: FindingListHead | null, end: number): head is FindingListHead => head !== null && (head.exhaustive || head.count >= end);

/** One query per head: by `_id`, which FerretDB hands to PostgreSQL, where an `$in` would read every head. */
export const readListHeads = (ids: readonly string[]) => Promise.all(ids.map((_id) => findingListHeadCollection().findOne({ _id })));

/** Names a head in its unit's set, before it is made (patchListHeads). */
const nameListHead = (businessUnitId: string, _id: string) => FindingListHeadSetModel.updateOne({ _id: businessUnitId }, { $addToSet: { heads: _id } }, { upsert: true });

/**
 * Serves `read` — the list's first LIST_HEAD_SIZE findings, from its rows — and keeps them as the head unless it
 * changed meanwhile. `head` is the head as read before `read` reads anything (null: there was none). A missing head
 * is named in its unit's set and made empty first, so that a roll-up whose rows `read` missed either finds it and
 * changes its revision (this write then matches nothing) or has written its rows before `read` reads them.
 */
export async function refillListHead(options: { _id: string; businessUnitId: string; head: FindingListHead | null; read: (take: number) => Promise<FindingRecord[]> }): Promise<FindingRecord[]> {
  const heads = findingListHeadCollection();
  let revision = options.head?.revision;
  if (revision === undefined) {
    await nameListHead(options.businessUnitId, options._id);
    try {
      await heads.insertOne({ _id: options._id, businessUnitId: options.businessUnitId, entries: '', count: 0, exhaustive: false, revision: 0 });
      revision = 0;
    } catch (error) {
      // Another read made it at the same moment, and fills it.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  const findings = await options.read(LIST_HEAD_SIZE);
  if (revision !== undefined) await heads.updateOne({ _id: options._id, revision }, { $set: { ...headEntriesOf(findings), exhaustive: findings.length < LIST_HEAD_SIZE, revision: revision + 1 } });
  return findings;
}

/** A head an asset's findings may be in, and which findings its list takes. */
export interface ListHeadOfAsset {
  _id: string;
  businessUnitId: string;
  takes: (finding: FindingRecord) => boolean;
}

/**
 * Brings these heads up to date with one asset's findings (all of them, as they are now), after its rows were
 * written: its entries leave each head, and those of its findings the head's list takes come in where they rank
 * before the head's last other entry (anywhere, in a head holding the whole list). A head so stays the beginning of
 * its list, at most shorter; a read refills it when it is short of a page. Only heads their units' sets name are
 * looked up: a head is named before it is made (refillListHead), so one made after the sets were read here was made
 * after this asset's rows were written, and its refill reads them.
 */
export async function patchListHeads(options: { assetId: string; heads: readonly ListHeadOfAsset[]; findings: readonly FindingRecord[] }): Promise<void> {
  const units = [...new Set(options.heads.map((head) => head.businessUnitId))];
  const made = new Set((await Promise.all(units.map((_id) => FindingListHeadSetModel.findOne({ _id }).lean()))).flatMap((set) => set?.heads ?? []));
  const findings = options.findings.map((finding) => ({ ...finding, tieHash: finding.tieHash ?? tieHashOf(finding._id) }));
  for (const head of options.heads) if (made.has(head._id)) await patchListHead({ _id: head._id, assetId: options.assetId, own: findings.filter(head.takes).sort(compareInRiskOrder) });
}

/** The change of one head (changeByRevision: roll-ups of different assets of a unit change the same heads). */
function patchListHead(options: { _id: string; assetId: string; own: readonly FindingRecord[] }): Promise<void> {
  // A payload begins with the finding's id, and a finding's id with its asset's: the asset's lines are found without
  // parsing the others (and confirmed by parsing, should another asset's id begin with this one's and a `|`).
  const prefix = `[${JSON.stringify(`${options.assetId}|`).slice(0, -1)}`;
  const isOwn = (line: string) => line.startsWith(prefix) && findingOfRowPayload(line).assetId === options.assetId;
  return changeByRevision({
    collection: findingListHeadCollection(),
    _id: options._id,
    what: `The findings list head ${options._id}`,
    decide: (head) => {
      if (!head) return null;
      const lines = head.entries === '' ? [] : head.entries.split('\n');
      const others = lines.filter((line) => !isOwn(line));
      const last = others.length > 0 ? findingOfRowPayload(others.at(-1)!) : undefined;
      const entering = options.own.filter((finding) => head.exhaustive || (last !== undefined && compareInRiskOrder(finding, last) < 0));
      const full = head.exhaustive || head.count >= LIST_HEAD_SIZE;
      // Neither in the head nor entering it: nothing to change, unless the head is short (below).
      if (others.length === lines.length && entering.length === 0 && full) return null;
      const merged = mergeLines(others, entering);
      const next = { entries: merged.slice(0, LIST_HEAD_SIZE).join('\n'), count: Math.min(merged.length, LIST_HEAD_SIZE), exhaustive: head.exhaustive && merged.length <= LIST_HEAD_SIZE };
      // A short head is written even unchanged: a refill that read the rows before this asset's were written then loses.
      return next.entries === head.entries && next.exhaustive === head.exhaustive && full ? null : { set: next };
    },
  });
}

/** A head's lines in risk order with these findings (in risk order) among them. */
function mergeLines(lines: readonly string[], entering: readonly FindingRecord[]): string[] {
  if (entering.length === 0) return [...lines];
  const merged: string[] = [];
  let next = 0;
  for (const line of lines) {
    const finding = findingOfRowPayload(line);
    while (next < entering.length && compareInRiskOrder(entering[next]!, finding) < 0) merged.push(rowPayloadOf(entering[next++]!));
    merged.push(line);
  }
  for (; next < entering.length; next++) merged.push(rowPayloadOf(entering[next]!));
  return merged;
}

/** Forgets a unit's heads, after a recount of its rows: the next reads make them again. */
export async function deleteListHeads(businessUnitId: string): Promise<void> {
  await FindingListHeadModel.deleteMany({ businessUnitId });
}
