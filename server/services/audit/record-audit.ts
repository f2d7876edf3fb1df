import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { AuditEntryModel, type AuditEntry } from '../../models/audit-entry.model';
import { AUDIT_HEAD_ID, AuditHeadModel } from '../../models/audit-head.model';
import { GENESIS_PREV_HASH, auditEntryHash } from './audit-hash';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export interface AuditActor {
  type: 'user' | 'token' | 'system' | 'anonymous';
  id?: string;
  email?: string;
}

export interface AuditEventInput {
  actor: AuditActor;
  /** Dotted verb, e.g. 'auth.login', 'user.create', 'token.revoke', 'credential.add'. */
  action: string;
  target?: { type: string; id?: string; label?: string };
  ip?: string | null;
  outcome: 'success' | 'failure';
  /** Short human text for failures, e.g. 'wrong password'. */
  reason?: string;
  /** Never secrets: the log is readable by auditors and exported as CSV. */
  details?: Record<string, string | number | boolean | null>;
  /** The unit the target belongs to, when it has one (scoped reads); default 'root'. */
  businessUnitId?: string;
}

/**
 * An attempt is lost only when another process appended first, so some writer always progresses;
 * the bound stops a writer that keeps losing to several busy nodes from looping forever.
 */
const MAX_APPEND_ATTEMPTS = 50;
const DOTTED_ACTION = /^[a-z][\w-]*(\.[\w-]+)+$/i;
/** Keys MongoDB and FerretDB cannot store. */
const UNSTORABLE_KEY = /^\$|\./;

type PendingEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/**
 * Refuses what could not be stored faithfully, and spells absent optional values as null so the
 * stored entry is exactly what was hashed.
 */
function toPendingEntry(event: AuditEventInput, at: Date): PendingEntry {
  if (!DOTTED_ACTION.test(event.action)) throw new AppError('INTERNAL', `audit action "${event.action}" is not a dotted verb such as "auth.login"`);
  const details = event.details ?? {};
  const badKey = Object.keys(details).find((key) => UNSTORABLE_KEY.test(key));
  if (badKey !== undefined) throw new AppError('INTERNAL', `audit detail key "${badKey}" must not start with "$" or contain "."`);
  return {
    at,
    actor: { type: event.actor.type, id: event.actor.id ?? null, email: event.actor.email ?? null },
    action: event.action,
    target: event.target ? { type: event.target.type, id: event.target.id ?? null, label: event.target.label ?? null } : null,
    ip: event.ip ?? null,
    outcome: event.outcome,
    reason: event.reason ?? null,
    details: Object.keys(details).length > 0 ? { ...details } : null,
    businessUnitId: event.businessUnitId ?? ROOT_BUSINESS_UNIT_ID,
  };
}

/**
 * Moves the head record forward, never back. A filter miss means a later entry already moved it:
 * the upsert then collides with the existing head document, which is fine.
 */
async function advanceHead(seq: number, hash: string): Promise<void> {
  try {
    await AuditHeadModel.updateOne({ _id: AUDIT_HEAD_ID, seq: { $lt: seq } }, { $set: { seq, hash } }, { upsert: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/**
 * Links the entry to the current tail and inserts it as seq = tail + 1. Without transactions, the
 * unique index on seq is the arbiter: when another node appended first, the insert fails with a
 * duplicate key and the entry is re-linked to the new tail.
 */
async function appendEntry(pending: PendingEntry): Promise<{ seq: number; hash: string }> {
  // The unique index must exist before the first insert relies on it.
  await AuditEntryModel.init();
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const tail = await AuditEntryModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    const linked = { ...pending, seq: (tail?.seq ?? 0) + 1, prevHash: tail?.hash ?? GENESIS_PREV_HASH };
    const entry: AuditEntry = { ...linked, hash: auditEntryHash(linked) };
    try {
      await AuditEntryModel.create(entry);
    } catch (error) {
      // No back-off: the loser re-reads the tail at once, before the winner's next append (which
      // first moves the head) can take the following seq, so a busy node does not starve it.
      if (!isDuplicateKeyError(error)) throw error;
      continue;
    }
    await advanceHead(entry.seq, entry.hash);
    return { seq: entry.seq, hash: entry.hash };
  }
  throw new AppError('INTERNAL', `could not append to the audit log: ${MAX_APPEND_ATTEMPTS} attempts lost the race for the next entry to other writers`);
}

/**
 * Appends of this process run one at a time: racing each other would only burn attempts. Races
 * with other processes (a second console node, the CLI) are settled by the unique seq.
 */
let appendQueue: Promise<unknown> = Promise.resolve();

/**
 * Appends one entry to the hash-chained audit log and returns its position and hash. Throws when
 * the entry could not be stored, so no caller goes on believing its action was audited.
 */
export async function recordAudit(event: AuditEventInput): Promise<{ seq: number; hash: string }> {
  const pending = toPendingEntry(event, new Date());
  const appended = appendQueue.then(() => appendEntry(pending));
  appendQueue = appended.catch(() => undefined);
  return appended;
}
