import { Badge } from '../../../_components/ui/badges';

type Tone = 'ok' | 'warn' | 'danger' | 'accent' | undefined;

const STATUS_TONE: Record<string, Tone> = { open: 'warn', 'in-progress': 'accent', reopened: 'danger', resolved: 'ok', closed: undefined };
export const TICKET_STATUS_LABEL: Record<string, string> = { open: 'Open', 'in-progress': 'In progress', reopened: 'Reopened', resolved: 'Resolved', closed: 'Closed' };

/** A ticket's status: open (amber), in progress (blue), reopened by a scan (red), resolved (green), closed (grey). */
export function TicketStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="ticket-status" data-status={status}>
      <Badge tone={STATUS_TONE[status]}>{TICKET_STATUS_LABEL[status] ?? status}</Badge>
    </span>
  );
}

/** Whether a ticket is past its due date while still being worked. */
export function isOverdue(ticket: { dueAt: string | null; status: string }, now: number): boolean {
  return ticket.dueAt !== null && Date.parse(ticket.dueAt) < now && ticket.status !== 'resolved' && ticket.status !== 'closed';
}
