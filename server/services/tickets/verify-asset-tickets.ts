import { FindingModel, OPEN_FINDING_STATUSES } from '../../models/finding.model';
import { RemediationTicketModel, VERIFIED_TICKET_STATUSES, type RemediationTicket, type TicketStatus } from '../../models/remediation-ticket.model';
import { announceTicketChange, changeTicket } from './ticket-records';

const isVerified = (status: TicketStatus) => (VERIFIED_TICKET_STATUSES as readonly TicketStatus[]).includes(status);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The verdict on a ticket from its findings' statuses now: none open → `resolved`; some open on a resolved ticket →
 * `reopened`; otherwise the status stays. The verification (time, run, what remains) is recorded when the status
 * or what remains changed, so the same result checked again writes nothing.
 */
async function verdictOn(ticket: RemediationTicket, at: Date, runId: string | null): Promise<Partial<RemediationTicket> | null> {
  if (!isVerified(ticket.status)) return null;
  const open = new Set((await FindingModel.find({ _id: { $in: ticket.findingIds }, status: { $in: [...OPEN_FINDING_STATUSES] } }, { _id: 1 }).lean()).map((finding) => finding._id));
  const remaining = ticket.findingIds.filter((id) => open.has(id));
  const status: TicketStatus = remaining.length === 0 ? 'resolved' : ticket.status === 'resolved' ? 'reopened' : ticket.status;
  if (status === ticket.status && ticket.verification !== null && sameList(ticket.verification.remaining, remaining)) return null;
  return { status, verification: { at, runId, remaining } };
}

const ACTION_OF: Partial<Record<TicketStatus, string>> = { resolved: 'ticket.resolve', reopened: 'ticket.reopen' };

/**
 * Automatic verification after a result brought an asset's findings up to date: every ticket still verified
 * (open, in progress, reopened, or resolved — to catch a regression) that holds findings of the asset is checked
 * against its findings' statuses. Concurrent results on one ticket are settled in changeTicket.
 */
export async function verifyAssetTickets(options: { businessUnitId: string; assetId: string; runId: string | null; at: Date }): Promise<{ changed: number }> {
  const { at, runId } = options;
  const tickets = await RemediationTicketModel.find({ businessUnitId: options.businessUnitId, status: { $in: [...VERIFIED_TICKET_STATUSES] }, assetIds: options.assetId }, { _id: 1 }).lean();
  let changed = 0;
  for (const { _id } of tickets) {
    const change = await changeTicket({ ticketId: _id, within: {}, at, decide: (ticket) => verdictOn(ticket, at, runId) });
    if (!change) continue;
    changed += 1;
    const { before, after } = change;
    await announceTicketChange({
      before,
      after,
      actor: { type: 'system' },
      action: (after.status !== before.status && ACTION_OF[after.status]) || 'ticket.verify',
      ip: null,
      details: { runId, remaining: after.verification?.remaining.length ?? 0, previousStatus: before.status },
    });
  }
  return { changed };
}
