'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError } from '../../../_components/ui/errors';
import { formatDay, formatRelative } from '../../../_components/ui/format';
import { useTRPC } from '../../../_trpc/client';
import { TicketCreateDialog } from './ticket-create-dialog';
import { TicketStatusBadge } from './ticket-labels';

/** The remediation tickets holding one finding (a finding's page), and *Create ticket…* for an open one. */
export function FindingTickets(props: { finding: { id: string; vulnId: string; status: string; assetName: string }; canRemediate: boolean; now: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const tickets = useQuery({ ...trpc.tickets.list.queryOptions({ findingId: props.finding.id, pageSize: 50 }), retry: false });
  const [creating, setCreating] = useState(false);
  const items = tickets.data?.items ?? [];
  const canCreate = props.canRemediate && props.finding.status !== 'fixed';
  return (
    <section className="card ui-card" aria-labelledby="finding-tickets-title" data-testid="finding-tickets">
      <header className="ui-card-header">
        <h2 id="finding-tickets-title">Tickets</h2>
        <p className="ui-card-note">Remediation tickets that hold this finding, most recently changed first.</p>
        {canCreate ? (
          <button type="button" className="button ui-primary" onClick={() => setCreating(true)} data-testid="finding-create-ticket">
            Create ticket…
          </button>
        ) : null}
      </header>
      <ErrorAlert error={tickets.error ? toUiError(tickets.error) : null} title="The tickets could not be read." testId="finding-tickets-error" />
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="finding-tickets-table">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Status</th>
              <th scope="col">Assignee</th>
              <th scope="col">Due</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((ticket) => (
              <tr key={ticket.id} data-testid="finding-ticket-row" data-id={ticket.id}>
                <th scope="row">
                  <Link href={`/tickets/${ticket.id}`}>{ticket.title}</Link>
                  {ticket.findingIds.length > 1 ? <span className="ui-sub">with {ticket.findingIds.length - 1} other findings</span> : null}
                </th>
                <td>
                  <TicketStatusBadge status={ticket.status} />
                </td>
                <td>{ticket.assignee?.email ?? <span className="ui-muted">nobody</span>}</td>
                <td className="ui-nowrap">{ticket.dueAt ? formatDay(ticket.dueAt) : <span className="ui-muted">—</span>}</td>
                <td className="ui-nowrap">{formatRelative(ticket.updatedAt, props.now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {tickets.data && items.length === 0 ? (
          <div className="ui-empty" data-testid="finding-tickets-empty">
            <strong>No ticket.</strong>
            <span>{canCreate ? 'Create one to give the fix to someone with a due date.' : 'No remediation ticket holds this finding.'}</span>
          </div>
        ) : null}
      </div>
      {creating ? (
        <TicketCreateDialog
          findingIds={[props.finding.id]}
          defaultTitle={`Fix ${props.finding.vulnId}${props.finding.assetName ? ` on ${props.finding.assetName}` : ''}`}
          onClose={() => setCreating(false)}
          onCreated={(ticket) => router.push(`/tickets/${ticket.id}`)}
        />
      ) : null}
    </section>
  );
}
