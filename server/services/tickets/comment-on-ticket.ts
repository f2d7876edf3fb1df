import type { RequestMeta } from '../../auth/request-meta';
import { scopeFilter } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { TICKET_MAX_COMMENTS } from '../../models/remediation-ticket.model';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { announceTicketChange, changeTicket, personOf } from './ticket-records';
import { toTicketView, type TicketView } from './ticket-view';

/** Adds a comment to a ticket of the caller's units (at most 200 per ticket: a ticket is no chat room). */
export async function commentOnTicket(options: { acting: Acting; ticketId: string; text: string; meta: RequestMeta; now?: Date }): Promise<TicketView> {
  requirePermission(options.acting, 'findings:remediate');
  const now = options.now ?? new Date();
  const comment = { at: now, by: personOf(options.acting), text: options.text };
  const changed = await changeTicket({
    ticketId: options.ticketId,
    within: scopeFilter(scopeOfActing(options.acting)),
    at: now,
    decide: (ticket) => {
      if (ticket.comments.length >= TICKET_MAX_COMMENTS) throw new AppError('BAD_INPUT', `ticket ${ticket._id} has the most comments a ticket may hold (${TICKET_MAX_COMMENTS})`);
      return { comments: [...ticket.comments, comment] };
    },
  });
  const { before, after } = changed!;
  await announceTicketChange({ before, after, actor: actorOfActing(options.acting), action: 'ticket.comment', ip: options.meta.ip, details: { comments: after.comments.length } });
  return toTicketView(after);
}
