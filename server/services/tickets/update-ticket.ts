import type { RequestMeta } from '../../auth/request-meta';
import { scopeFilter } from '../../auth/scope';
import type { RemediationTicket, SETTABLE_TICKET_STATUSES, TicketPerson } from '../../models/remediation-ticket.model';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { announceTicketChange, assigneeOf, changeTicket, findTicket } from './ticket-records';
import { toTicketView, type TicketView } from './ticket-view';

export interface TicketChanges {
  title?: string;
  description?: string;
  /** null: unassigned. */
  assigneeId?: string | null;
  /** null: no due date. */
  dueAt?: Date | null;
  status?: (typeof SETTABLE_TICKET_STATUSES)[number];
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Changes a ticket's title, description, assignee, due date or status. A person may set it `resolved` (the next
 * scan result of its assets confirms that or reopens it) or `closed` (no more verification). Fields that already
 * hold the asked value change nothing, and a request that changes nothing writes nothing.
 */
export async function updateTicket(options: { acting: Acting; ticketId: string; changes: TicketChanges; meta: RequestMeta; now?: Date }): Promise<TicketView> {
  requirePermission(options.acting, 'findings:remediate');
  const scope = scopeOfActing(options.acting);
  const now = options.now ?? new Date();
  const { changes } = options;
  const current = await findTicket({ scope, ticketId: options.ticketId });
  const assignee: TicketPerson | null | undefined = typeof changes.assigneeId === 'string' ? await assigneeOf({ scope, userId: changes.assigneeId, businessUnitId: current.businessUnitId }) : changes.assigneeId;

  const changed = await changeTicket({
    ticketId: current._id,
    within: scopeFilter(scope),
    at: now,
    decide: (ticket) => {
      const set: Partial<RemediationTicket> = {};
      if (changes.title !== undefined && changes.title !== ticket.title) set.title = changes.title;
      if (changes.description !== undefined && changes.description !== ticket.description) set.description = changes.description;
      if (assignee !== undefined && assignee?.id !== ticket.assignee?.id) set.assignee = assignee;
      if (changes.dueAt !== undefined && !sameTime(changes.dueAt, ticket.dueAt)) set.dueAt = changes.dueAt;
      if (changes.status !== undefined && changes.status !== ticket.status) set.status = changes.status;
      return Object.keys(set).length > 0 ? set : null;
    },
  });
  if (!changed) return toTicketView(await findTicket({ scope, ticketId: current._id }));
  const { before, after } = changed;
  await announceTicketChange({
    before,
    after,
    actor: actorOfActing(options.acting),
    action: 'ticket.update',
    ip: options.meta.ip,
    details: {
      changed: Object.keys(changes).filter((field) => changes[field as keyof TicketChanges] !== undefined).join(' '),
      previousStatus: before.status,
      assignee: after.assignee?.email ?? null,
      dueAt: after.dueAt?.toISOString() ?? null,
    },
  });
  return toTicketView(after);
}
