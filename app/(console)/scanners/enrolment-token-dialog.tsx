'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isReauthCancelled, useRunSensitive } from '../../_components/reauth';
import { CopyButton } from '../../_components/ui/copy-button';
import { Dialog } from '../../_components/ui/dialog';
import { FormActions } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { FieldError } from '../../_components/ui/field-error';
import { toUiError, type UiError } from '../../_components/ui/errors';
import { formatDateTime } from '../../_components/ui/format';
import { useTRPC } from '../../_trpc/client';

const LIFETIMES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
] as const;

/**
 * The command an operator runs on the new node's host; the token pins this console's certificate. It is piped in
 * (`echo` is the shell's own, no process), never an argument, which every user of the host could read.
 */
export function enrolCommand(server: string, token: string): string {
  return `echo ${token} | npx vigil scanner enroll --server ${server} --token-stdin`;
}

/** Creates a one-time enrolment token and shows it, with the command that uses it, exactly once. */
export function EnrolmentTokenDialog(props: { onClose: () => void; onCreated: () => void }) {
  const trpc = useTRPC();
  const runSensitive = useRunSensitive();
  const create = useMutation(trpc.scanners.createToken.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string; expiresAt: string } | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const result = await runSensitive(() => create.mutateAsync({ name: String(form.get('name') ?? '').trim(), ttlHours: Number(form.get('ttlHours') ?? 24) }));
      setCreated({ name: result.name, token: result.token, expiresAt: String(result.expiresAt) });
      props.onCreated();
    } catch (cause) {
      if (!isReauthCancelled(cause)) setError(toUiError(cause));
    }
  };

  if (created) {
    const command = enrolCommand(window.location.origin, created.token);
    return (
      <Dialog
        title="Enrolment token created"
        description="Run the command on the host that will scan. The token works once and is not shown again."
        onClose={props.onClose}
        wide
        testId="scanner-token-dialog"
        footer={
          <button type="button" className="button ui-primary" onClick={props.onClose} data-testid="scanner-token-done">
            Done
          </button>
        }
      >
        <div className="ui-secret" role="status" data-testid="scanner-token-created">
          <strong>
            “{created.name}” is valid until {formatDateTime(created.expiresAt)}. Copy it now: it is not shown again.
          </strong>
          <div className="ui-secret-value">
            <code data-testid="scanner-token-value">{created.token}</code>
            <CopyButton value={created.token} testId="scanner-token-copy" />
          </div>
          <span className="ui-field-label">Enrol the node</span>
          <div className="ui-secret-value">
            <code data-testid="scanner-enrol-command">{command}</code>
            <CopyButton value={command} label="Copy command" testId="scanner-enrol-copy" />
          </div>
          <span className="ui-hint">
            Then start it with <code>npx vigil scanner run</code>. The node connects out to this console only; it checks the console’s certificate against the pin inside the token.
          </span>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="New enrolment token" description="A one-time token that lets one scanner node join this console." onClose={props.onClose} testId="scanner-token-dialog">
      <form className="ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title="The token was not created." testId="scanner-token-error" />
        <div className="ui-field">
          <label htmlFor="scanner-token-name">Name</label>
          <input id="scanner-token-name" name="name" className="ui-input" placeholder="e.g. scanner-dc1" maxLength={128} required autoFocus autoComplete="off" aria-describedby="scanner-token-name-error" data-testid="scanner-token-name" />
          <FieldError error={error} field="name" id="scanner-token-name-error" />
        </div>
        <div className="ui-field">
          <label htmlFor="scanner-token-ttl">Usable for</label>
          <select id="scanner-token-ttl" name="ttlHours" className="ui-select" defaultValue="24" data-testid="scanner-token-ttl">
            {LIFETIMES.map((lifetime) => (
              <option key={lifetime.hours} value={lifetime.hours}>
                {lifetime.label}
              </option>
            ))}
          </select>
        </div>
        <FormActions pending={create.isPending} label="Create token" pendingLabel="Creating…" onCancel={props.onClose} testId="scanner-token-submit" />
      </form>
    </Dialog>
  );
}
