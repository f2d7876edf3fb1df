'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isReauthCancelled, useRunSensitive } from '../../_components/reauth';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../_components/ui/errors';
import { useTRPC } from '../../_trpc/client';

/** Changing the password ends every other session; this one stays signed in. */
export function PasswordCard() {
  const trpc = useTRPC();
  const runSensitive = useRunSensitive();
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const currentPassword = String(form.get('currentPassword') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    setError(null);
    setDone(null);
    if (newPassword !== String(form.get('confirmPassword') ?? '')) {
      setError({ code: 'BAD_INPUT', message: 'The new password and its confirmation differ.', fieldErrors: { confirmPassword: ['does not match the new password'] } });
      return;
    }
    try {
      const result = await runSensitive(() => change.mutateAsync({ currentPassword, newPassword }));
      formElement.reset();
      setDone(result.endedSessions > 0 ? `Password changed. ${result.endedSessions} other session(s) were signed out.` : 'Password changed.');
    } catch (cause) {
      if (!isReauthCancelled(cause)) setError(toUiError(cause));
    }
  };
  return (
    <section className="card ui-card" aria-labelledby="password-title" data-testid="password-card">
      <header className="ui-card-header">
        <h2 id="password-title">Password</h2>
        <p className="ui-card-note">Your other sessions are signed out when it changes.</p>
      </header>
      <form className="ui-card-body ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title="The password was not changed." testId="password-error" />
        {done ? (
          <div className="alert ui-alert-ok" role="status" data-testid="password-done">
            {done}
          </div>
        ) : null}
        <div className="ui-field">
          <label htmlFor="password-current">Current password</label>
          <input id="password-current" name="currentPassword" type="password" className="ui-input" autoComplete="current-password" required data-testid="password-current" />
        </div>
        <div className="ui-form-row">
          <div className="ui-field ui-field-grow">
            <label htmlFor="password-new">New password</label>
            <input id="password-new" name="newPassword" type="password" className="ui-input" autoComplete="new-password" required minLength={12} aria-describedby="password-new-hint" data-testid="password-new" />
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="password-confirm">Repeat new password</label>
            <input
              id="password-confirm"
              name="confirmPassword"
              type="password"
              className="ui-input"
              autoComplete="new-password"
              required
              aria-invalid={fieldError(error, 'confirmPassword') ? true : undefined}
              data-testid="password-confirm"
            />
          </div>
        </div>
        <span id="password-new-hint" className="ui-hint">
          At least 12 characters; a passphrase of several words is easiest to remember. Common passwords and your account name are refused.
        </span>
        <div className="ui-form-actions">
          <button type="submit" className="button ui-primary" disabled={change.isPending} data-testid="password-submit">
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
