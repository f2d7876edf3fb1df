'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../_components/ui/dialog';
import { FormActions } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { FieldError } from '../../../_components/ui/field-error';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';

type Ticket = RouterOutputs['tickets']['create'];

/** The end (UTC) of a `yyyy-mm-dd` day as ISO 8601; '' stays unset. */
export function endOfDay(day: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T23:59:59.000Z` : undefined;
}

/** The people a ticket can be given to, as <option>s (tickets.assignees: enabled users of the caller's units; findings:remediate). */
export function AssigneeOptions({ exclude }: { exclude?: string }) {
  const trpc = useTRPC();
  const assignees = useQuery({ ...trpc.tickets.assignees.queryOptions(), staleTime: 60_000 });
  return (
    <>
      {(assignees.data ?? []).filter((person) => person.id !== exclude).map((person) => (
        <option key={person.id} value={person.id}>
          {person.name ? `${person.name} <${person.email}>` : person.email}
        </option>
      ))}
    </>
  );
}

/**
 * Groups open findings of one business unit into a remediation ticket (tickets.create). The server checks the
 * request whole (another unit's or a fixed finding, an assignee who cannot see the unit, a past due date); its
 * messages appear under the fields or above them, and nothing is written.
 */
export function TicketCreateDialog(props: { findingIds: readonly string[]; defaultTitle: string; onClose: () => void; onCreated: (ticket: Ticket) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.tickets.create.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '').trim();
    const assigneeId = String(form.get('assigneeId') ?? '');
    const dueAt = endOfDay(String(form.get('dueAt') ?? ''));
    setError(null);
    create.mutate(
      { title: String(form.get('title') ?? ''), findingIds: [...props.findingIds], ...(description ? { description } : {}), ...(assigneeId ? { assigneeId } : {}), ...(dueAt ? { dueAt } : {}) },
      {
        onSuccess: (ticket) => {
          // Lists read before (a finding's tickets, the tickets page) are stale now.
          void queryClient.invalidateQueries({ queryKey: trpc.tickets.list.queryKey() });
          props.onCreated(ticket);
        },
        onError: (cause) => setError(toUiError(cause)),
      },
    );
  };
  const invalid = (field: string) => (fieldError(error, field) ? true : undefined);
  const alert = error?.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? { ...error, message: 'Correct the fields marked below.' } : error;
  const count = props.findingIds.length;

  return (
    <Dialog
      title="Create a remediation ticket"
      description={`For ${count} open ${count === 1 ? 'finding' : 'findings'} of one business unit. Scan results of their assets verify it: all fixed resolves it.`}
      onClose={props.onClose}
      testId="ticket-create-dialog"
    >
      <form className="ui-form" onSubmit={onSubmit} noValidate data-testid="ticket-create-form">
        <ErrorAlert error={alert} title="The ticket was not created." testId="ticket-create-error" />
        <FieldError error={error} field="findingIds" id="ticket-findingIds-error" />
        <div className="ui-field">
          <label htmlFor="ticket-title">Title</label>
          <input id="ticket-title" name="title" className="ui-input" defaultValue={props.defaultTitle} maxLength={200} autoFocus aria-invalid={invalid('title')} aria-describedby="ticket-title-error" data-testid="ticket-title" />
          <FieldError error={error} field="title" id="ticket-title-error" />
        </div>
        <div className="ui-field">
          <label htmlFor="ticket-description">Description</label>
          <textarea id="ticket-description" name="description" className="ui-textarea" rows={3} maxLength={5000} placeholder="What to do, maintenance window, contacts…" aria-invalid={invalid('description')} aria-describedby="ticket-description-error" data-testid="ticket-description" />
          <FieldError error={error} field="description" id="ticket-description-error" />
        </div>
        <div className="ui-form-row">
          <div className="ui-field ui-field-grow">
            <label htmlFor="ticket-assignee">Assignee</label>
            <select id="ticket-assignee" name="assigneeId" className="ui-select" defaultValue="" aria-invalid={invalid('assigneeId')} aria-describedby="ticket-assigneeId-error" data-testid="ticket-assignee">
              <option value="">Nobody yet</option>
              <AssigneeOptions />
            </select>
            <FieldError error={error} field="assigneeId" id="ticket-assigneeId-error" />
          </div>
          <div className="ui-field">
            <label htmlFor="ticket-due">Due (end of the UTC day)</label>
            <input id="ticket-due" name="dueAt" type="date" className="ui-input" aria-invalid={invalid('dueAt')} aria-describedby="ticket-dueAt-error" data-testid="ticket-due" />
            <FieldError error={error} field="dueAt" id="ticket-dueAt-error" />
          </div>
        </div>
        <FormActions pending={create.isPending} label="Create ticket" pendingLabel="Creating…" onCancel={props.onClose} testId="ticket-create-submit" />
      </form>
    </Dialog>
  );
}
