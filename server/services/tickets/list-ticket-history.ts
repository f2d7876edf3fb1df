import type { Scope } from '../../auth/scope';
import { AuditEntryModel, type AuditDetails, type AuditEntry } from '../../models/audit-entry.model';
import { findTicket } from './ticket-records';

/** A ticket lives at most 200 comments and a verification per scan result: enough for its whole story. */
export const TICKET_HISTORY_LIMIT = 500;

export interface TicketHistoryEntry {
  seq: number;
  /** ISO 8601. */
  at: string;
  action: string;
  actor: { type: AuditEntry['actor']['type']; email: string | null };
  details: AuditDetails | null;
}

/**
 * What happened to one ticket of the caller's units, oldest first: its audit entries (creation, changes, comments,
 * verifications by scan results). Details never hold secrets (record-audit.ts); the ticket's readers see them.
 */
export async function listTicketHistory(options: { scope: Scope; ticketId: string }): Promise<TicketHistoryEntry[]> {
  const ticket = await findTicket(options);
  const entries = await AuditEntryModel.find({ businessUnitId: ticket.businessUnitId, 'target.type': 'remediation_ticket', 'target.id': ticket._id }, { seq: 1, at: 1, action: 1, actor: 1, details: 1 })
    .sort({ seq: 1 })
    .limit(TICKET_HISTORY_LIMIT)
    .lean<Pick<AuditEntry, 'seq' | 'at' | 'action' | 'actor' | 'details'>[]>();
  return entries.map((entry) => ({ seq: entry.seq, at: entry.at.toISOString(), action: entry.action, actor: { type: entry.actor.type, email: entry.actor.email }, details: entry.details }));
}
