import { isValidObjectId } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { RemediationTicketModel, type RemediationTicket, type TicketPerson } from '../../models/remediation-ticket.model';
import { UserModel } from '../../models/user.model';
import type { WebhookEvent } from '../../models/webhook.model';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { claimOnce } from '../auth/auth-claim';
import type { Acting } from '../auth/acting-principal';
import { scopeOfUnits } from '../business-units/unit-scope';
import { enqueueWebhookEvents } from '../webhooks/enqueue-webhook-events';
import { toTicketView } from './ticket-view';

/** A change is one small write: a claim older than this belongs to a writer that died. */
const CHANGE_CLAIM_MS = 30_000;
/**
 * How long a writer keeps trying while others change the ticket. Every lost try means another writer holds the
 * claim or has written, so the ticket moves on; the budget is time, not tries, because on a loaded database one
 * winner's read-claim-write can outlast a handful of short waits.
 */
const CHANGE_PATIENCE_MS = 10_000;
const FIRST_WAIT_MS = 5;
const LONGEST_WAIT_MS = 200;

export function personOf(acting: Acting): TicketPerson {
  return 'principal' in acting ? { id: acting.principal.userId, email: acting.principal.email } : { id: 'system', email: null };
}

/** A ticket of the caller's units; another unit's is NOT_FOUND, like a missing one. */
export async function findTicket(options: { scope: Scope; ticketId: string }): Promise<RemediationTicket> {
  const ticket = await RemediationTicketModel.findOne({ ...scopeFilter(options.scope), _id: options.ticketId }).lean<RemediationTicket>();
  if (!ticket) throw new AppError('NOT_FOUND', `ticket ${options.ticketId} not found`);
  return ticket;
}

/**
 * The assignee named by a request: a user the caller can see (NOT_FOUND otherwise) whose own units include the
 * ticket's, so that they can see what they are asked to fix.
 */
export async function assigneeOf(options: { scope: Scope; userId: string; businessUnitId: string }): Promise<TicketPerson> {
  const user = isValidObjectId(options.userId) ? await UserModel.findOne({ ...scopeFilter(options.scope), _id: options.userId }, { email: 1, businessUnitId: 1 }).lean() : null;
  if (!user) throw new AppError('NOT_FOUND', `user ${options.userId} not found`);
  const reach = await scopeOfUnits([user.businessUnitId]);
  if (reach.kind === 'units' && !reach.businessUnitIds.includes(options.businessUnitId)) throw new AppError('BAD_INPUT', `${user.email} cannot see business unit ${options.businessUnitId}`);
  return { id: String(user._id), email: user.email };
}

/**
 * Applies one change to a ticket, recomputed from a fresh read on every try. `decide` returns the fields to set,
 * or null when nothing changes. Races (two scan results, a person and a result) are settled by a unique claim of
 * the version being replaced — conditional updates do not settle them on FerretDB — and the version filter turns
 * away a writer that read before the claim's winner wrote. Null when nothing changed.
 */
export async function changeTicket(options: {
  ticketId: string;
  /** Limits which tickets this writer may change (the caller's scope). */
  within: Record<string, unknown>;
  at: Date;
  decide: (ticket: RemediationTicket) => Promise<Partial<RemediationTicket> | null> | Partial<RemediationTicket> | null;
}): Promise<{ before: RemediationTicket; after: RemediationTicket } | null> {
  const giveUpAt = Date.now() + CHANGE_PATIENCE_MS;
  for (let wait = FIRST_WAIT_MS; Date.now() < giveUpAt; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    const before = await RemediationTicketModel.findOne({ ...options.within, _id: options.ticketId }).lean<RemediationTicket>();
    if (!before) throw new AppError('NOT_FOUND', `ticket ${options.ticketId} not found`);
    const set = await options.decide(before);
    if (!set) return null;
    const claim = await claimOnce(`remediation-ticket|${before._id}|${before.version}`, CHANGE_CLAIM_MS);
    if (claim) {
      const next = { ...set, version: before.version + 1, updatedAt: options.at };
      const written = await RemediationTicketModel.updateOne({ _id: before._id, version: before.version }, { $set: next });
      await claim.release();
      if (written.matchedCount === 1) return { before, after: { ...before, ...next } };
    }
    await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
  }
  throw new AppError('CONFLICT', `ticket ${options.ticketId} kept changing under this update; try again`);
}

/** The webhook event of a ticket's new state: its status moving to resolved or reopened, else an update. */
export function ticketEventOf(before: RemediationTicket | null, after: RemediationTicket): WebhookEvent {
  if (!before) return 'ticket.created';
  if (after.status !== before.status && (after.status === 'resolved' || after.status === 'reopened')) return `ticket.${after.status}`;
  return 'ticket.updated';
}

/** Audits a ticket change and tells the webhooks, once per version. */
export async function announceTicketChange(options: {
  before: RemediationTicket | null;
  after: RemediationTicket;
  actor: AuditActor;
  action: string;
  ip: string | null;
  details: Record<string, string | number | boolean | null>;
}): Promise<void> {
  const { after } = options;
  await recordAudit({ actor: options.actor, action: options.action, target: { type: 'remediation_ticket', id: after._id, label: after.title }, ip: options.ip, outcome: 'success', details: { ...options.details, status: after.status }, businessUnitId: after.businessUnitId });
  const { comments, ...ticket } = toTicketView(after);
  await enqueueWebhookEvents([{ event: ticketEventOf(options.before, after), businessUnitId: after.businessUnitId, key: `${after._id}|${after.version}`, data: { ticket: { ...ticket, commentCount: comments.length } }, at: after.updatedAt }]);
}
