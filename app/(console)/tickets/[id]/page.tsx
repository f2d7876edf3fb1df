import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../../_lib/server-caller';
import { TicketDetailView } from './ticket-detail';

export const dynamic = 'force-dynamic';

/** One read per request, shared by the title and the page. */
const loadTicket = cache((id: string) => load('ticket', (caller) => caller.tickets.get({ id })));

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const ticket = await loadTicket((await params).id);
  return { title: ticket.data ? `${ticket.data.title} · Tickets` : 'Tickets' };
}

export default async function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [ticket, me] = await Promise.all([loadTicket(id), currentUser()]);
  if (ticket.error) {
    // Another unit's ticket reads as not found, like an id that names nothing.
    if (ticket.error.code === 'NOT_FOUND' || ticket.error.code === 'BAD_INPUT') notFound();
    return <ErrorAlert error={ticket.error} title="The ticket could not be loaded." testId="ticket-error" />;
  }
  const [findings, history] = await Promise.all([load('ticket findings', (caller) => caller.tickets.findings({ id })), load('ticket history', (caller) => caller.tickets.history({ id }))]);
  return (
    <TicketDetailView
      initial={wire(ticket.data)}
      initialFindings={findings.data ? wire(findings.data) : null}
      initialHistory={history.data ? wire(history.data) : null}
      canRemediate={me.data?.permissions.includes('findings:remediate') ?? false}
      now={Date.now()}
    />
  );
}
