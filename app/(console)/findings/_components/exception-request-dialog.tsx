'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../_components/ui/dialog';
import { FormActions } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { FieldError } from '../../../_components/ui/field-error';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { EXCEPTION_KIND_LABEL } from './finding-labels';

type Exception = RouterOutputs['exceptions']['request'];

const DAY = 86_400_000;

/** The end (UTC) of a `yyyy-mm-dd` day as ISO 8601; '' stays unset. */
function endOfDay(day: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T23:59:59.000Z` : undefined;
}

/**
 * Asks for a risk acceptance or a false-positive ruling over one or more findings (exceptions.request). The server
 * checks the request whole; its messages appear under the fields or above them. Someone else must approve it.
 */
export function ExceptionRequestDialog(props: { findingIds: readonly string[]; onClose: () => void; onRequested: (exception: Exception) => void }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.exceptions.request.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const [kind, setKind] = useState<'risk-acceptance' | 'false-positive'>('risk-acceptance');
  const today = new Date();
  const defaultExpiry = new Date(today.getTime() + 90 * DAY).toISOString().slice(0, 10);
  const maxExpiry = new Date(today.getTime() + 365 * DAY).toISOString().slice(0, 10);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expiresAt = endOfDay(String(form.get('expiresAt') ?? ''));
    setError(null);
    request.mutate(
      { kind, findingIds: [...props.findingIds], justification: String(form.get('justification') ?? ''), ...(expiresAt ? { expiresAt } : {}) },
      { onSuccess: props.onRequested, onError: (cause) => setError(toUiError(cause)) },
    );
  };
  const invalid = (field: string) => (fieldError(error, field) ? true : undefined);
  const alert = error?.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? { ...error, message: 'Correct the fields marked below.' } : error;
  const count = props.findingIds.length;

  return (
    <Dialog
      title="Request an exception"
      description={`For ${count} ${count === 1 ? 'finding' : 'findings'} of one business unit. Another person with the right to approve must decide it; until then nothing changes.`}
      onClose={props.onClose}
      testId="exception-request-dialog"
    >
      <form className="ui-form" onSubmit={onSubmit} noValidate data-testid="exception-request-form">
        <ErrorAlert error={alert} title="The exception was not requested." testId="exception-request-error" />
        <FieldError error={error} field="findingIds" id="exception-findingIds-error" />
        <div className="ui-field">
          <label htmlFor="exception-kind">Kind</label>
          <select id="exception-kind" name="kind" className="ui-select" value={kind} onChange={(event) => setKind(event.currentTarget.value as typeof kind)} aria-describedby="exception-kind-hint exception-kind-error" data-testid="exception-kind">
            {Object.entries(EXCEPTION_KIND_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <span id="exception-kind-hint" className="ui-hint">
            {kind === 'risk-acceptance' ? 'The risk is known and accepted until the expiry (at most 365 days).' : 'The finding is wrong: the host is not affected. May hold until revoked.'}
          </span>
          <FieldError error={error} field="kind" id="exception-kind-error" />
        </div>
        <div className="ui-field">
          <label htmlFor="exception-justification">Justification</label>
          <textarea
            id="exception-justification"
            name="justification"
            className="ui-textarea"
            rows={4}
            maxLength={2000}
            autoFocus
            placeholder="Why — compensating control, not reachable, vendor statement…"
            aria-invalid={invalid('justification')}
            aria-describedby="exception-justification-error"
            data-testid="exception-justification"
          />
          <FieldError error={error} field="justification" id="exception-justification-error" />
        </div>
        <div className="ui-field">
          <label htmlFor="exception-expires">Expires (end of the UTC day)</label>
          <input
            key={kind}
            id="exception-expires"
            name="expiresAt"
            type="date"
            className="ui-input"
            defaultValue={kind === 'risk-acceptance' ? defaultExpiry : ''}
            max={maxExpiry}
            aria-invalid={invalid('expiresAt')}
            aria-describedby="exception-expiresAt-hint exception-expiresAt-error"
            data-testid="exception-expires"
          />
          <span id="exception-expiresAt-hint" className="ui-hint">
            {kind === 'risk-acceptance' ? 'Required.' : 'Optional: empty holds until revoked.'} The findings count again when it ends.
          </span>
          <FieldError error={error} field="expiresAt" id="exception-expiresAt-error" />
        </div>
        <FormActions pending={request.isPending} label="Request exception" pendingLabel="Requesting…" onCancel={props.onClose} testId="exception-request-submit" />
      </form>
    </Dialog>
  );
}
