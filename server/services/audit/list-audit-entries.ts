import type { FilterQuery, SortOrder } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { AuditEntryModel, type AuditEntry, type AuditOutcome, type StoredAuditEntry } from '../../models/audit-entry.model';
import { csvLine } from './audit-csv';

export interface AuditFilter {
  /** An action ('auth.login') or a dotted prefix of actions ('auth' matches 'auth.login', 'auth.logout'…). */
  action?: string;
  /** Part of the actor's e-mail address, any case. */
  actorEmail?: string;
  outcome?: AuditOutcome;
  /** Both inclusive. */
  from?: Date;
  to?: Date;
  targetType?: string;
}

export const AUDIT_SORTS = ['seq', 'at', 'action', 'actor', 'outcome', 'targetType'] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

export const AUDIT_MAX_PAGE_SIZE = 200;

export interface AuditEntryView {
  id: string;
  seq: number;
  /** ISO 8601. */
  at: string;
  actor: AuditEntry['actor'];
  action: string;
  target: AuditEntry['target'];
  ip: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  details: AuditEntry['details'];
  businessUnitId: string;
  prevHash: string;
  hash: string;
}

export interface ListAuditEntriesResult {
  items: AuditEntryView[];
  total: number;
  page: number;
  pageSize: number;
}

const CURSOR_BATCH_SIZE = 500;

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The caller's business units, narrowed by the filter. */
function auditQuery(scope: Scope, filter: AuditFilter): FilterQuery<AuditEntry> {
  const query: FilterQuery<AuditEntry> = { ...scopeFilter(scope) };
  if (filter.action) query.action = { $regex: `^${escapeRegex(filter.action)}(\\.|$)` };
  if (filter.actorEmail) query['actor.email'] = { $regex: escapeRegex(filter.actorEmail), $options: 'i' };
  if (filter.outcome) query.outcome = filter.outcome;
  if (filter.targetType) query['target.type'] = filter.targetType;
  if (filter.from || filter.to) query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
  return query;
}

const SORT_FIELDS: Record<AuditSort, string> = {
  seq: 'seq',
  at: 'at',
  action: 'action',
  actor: 'actor.email',
  outcome: 'outcome',
  targetType: 'target.type',
};

function sortOf(sort: { by: AuditSort; direction: 'asc' | 'desc' }): Record<string, SortOrder> {
  const order: SortOrder = sort.direction === 'asc' ? 1 : -1;
  // seq breaks ties: a total order, so pages never overlap or skip entries.
  return { [SORT_FIELDS[sort.by]]: order, seq: order };
}

function toView(doc: StoredAuditEntry): AuditEntryView {
  return {
    id: String(doc._id),
    seq: doc.seq,
    at: doc.at.toISOString(),
    actor: doc.actor,
    action: doc.action,
    target: doc.target,
    ip: doc.ip,
    outcome: doc.outcome,
    reason: doc.reason,
    details: doc.details,
    businessUnitId: doc.businessUnitId,
    prevHash: doc.prevHash,
    hash: doc.hash,
  };
}

/** One page of the audit entries the caller may read; the input is validated by the transport. */
export async function listAuditEntries(options: {
  scope: Scope;
  filter: AuditFilter;
  /** 1-based. */
  page: number;
  pageSize: number;
  sort: { by: AuditSort; direction: 'asc' | 'desc' };
}): Promise<ListAuditEntriesResult> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), AUDIT_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const query = auditQuery(options.scope, options.filter);
  const [docs, total] = await Promise.all([
    AuditEntryModel.find(query)
      .sort(sortOf(options.sort))
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<StoredAuditEntry[]>(),
    AuditEntryModel.countDocuments(query),
  ]);
  return { items: docs.map(toView), total, page, pageSize };
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'actor_email',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'ip',
  'outcome',
  'reason',
  'details',
  'business_unit',
  'hash',
] as const;

function csvRecord(doc: StoredAuditEntry): string {
  return csvLine([
    doc.seq,
    doc.at.toISOString(),
    doc.actor.type,
    doc.actor.id,
    doc.actor.email,
    doc.action,
    doc.target?.type ?? null,
    doc.target?.id ?? null,
    doc.target?.label ?? null,
    doc.ip,
    doc.outcome,
    doc.reason,
    doc.details ? JSON.stringify(doc.details) : null,
    doc.businessUnitId,
    doc.hash,
  ]);
}

/**
 * The matching entries the caller may read, oldest first, as CSV: a header line, then one line per
 * entry, each ending in CRLF. Streamed from a cursor, so an export of any size holds one batch in memory.
 */
export async function* exportAuditCsv(options: { scope: Scope; filter: AuditFilter }): AsyncIterable<string> {
  yield csvLine(AUDIT_CSV_COLUMNS);
  const cursor = AuditEntryModel.find(auditQuery(options.scope, options.filter)).sort({ seq: 1 }).lean<StoredAuditEntry[]>().cursor({ batchSize: CURSOR_BATCH_SIZE });
  try {
    for await (const doc of cursor) yield csvRecord(doc);
  } finally {
    await cursor.close();
  }
}
