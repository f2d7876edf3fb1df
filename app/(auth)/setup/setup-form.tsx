'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../_components/ui/errors';
import { FieldError } from '../../_components/ui/field-error';
import { useTRPC } from '../../_trpc/client';

/** Refusals read as the server words them (wrong or used token, set-up already done, throttled). */
function setupErrorTitle(error: UiError): string {
  if (error.code === 'CONFLICT') return 'Set-up is already done.';
  if (error.code === 'FORBIDDEN') return 'Setup token not accepted.';
  if (error.code === 'RATE_LIMITED') return 'Blocked for now.';
  return 'The administrator was not created.';
}

/** One labelled input; the server's message for it, when it named the field, below it. */
function Field(props: { name: string; label: string; error: UiError | null; input: InputHTMLAttributes<HTMLInputElement> }) {
  const id = `setup-${props.name}`;
  const invalid = Boolean(fieldError(props.error, props.name));
  return (
    <div className="ui-field">
      <label htmlFor={id}>{props.label}</label>
      <input id={id} name={props.name} className="ui-input" aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-error` : undefined} data-testid={id} {...props.input} />
      <FieldError error={props.error} field={props.name} id={`${id}-error`} />
    </div>
  );
}

/**
 * The first administrator: the one-time setup token shown on the appliance's console, then the account. On
 * success the token is spent and the new administrator signs in on the sign-in page.
 */
export function SetupForm() {
  const trpc = useTRPC();
  const complete = useMutation(trpc.setup.complete.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    setError(null);
    if (value('password') !== value('confirmPassword')) {
      setError({ code: 'BAD_INPUT', message: 'The password and its confirmation differ.', fieldErrors: { confirmPassword: ['does not match the password'] } });
      return;
    }
    complete.mutate(
      { token: value('token'), email: value('email').trim(), name: value('name').trim(), password: value('password') },
      // A full navigation: the sign-in page renders from the server, which now knows the account.
      { onSuccess: () => window.location.assign('/login?setup=done'), onError: (cause) => setError(toUiError(cause)) },
    );
  };
  return (
    <section className="auth-card auth-card-wide login-card" aria-labelledby="setup-title" data-testid="setup-card">
      <div className="login-step-header">
        <h1 id="setup-title">Set up Vigil</h1>
        <p>Create the first administrator. It may do everything, in every business unit.</p>
        <p>
          The one-time setup token is shown on the appliance&rsquo;s console and login prompt; on the host, <code className="ui-mono">sudo vigil admin setup-token</code> prints it.
        </p>
      </div>
      <form className="ui-form" onSubmit={onSubmit} aria-label="Create the first administrator" data-testid="setup-form" noValidate>
        {error ? <ErrorAlert error={error} title={setupErrorTitle(error)} testId="setup-error" /> : null}
        <Field
          name="token"
          label="Setup token"
          error={error}
          input={{ type: 'text', className: 'ui-input ui-mono', autoComplete: 'off', spellCheck: false, placeholder: 'xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxx', required: true, autoFocus: true }}
        />
        <div className="ui-form-row">
          <div className="ui-field-grow">
            <Field name="name" label="Name" error={error} input={{ type: 'text', autoComplete: 'name' }} />
          </div>
          <div className="ui-field-grow">
            <Field name="email" label="E-mail" error={error} input={{ type: 'email', autoComplete: 'username', required: true }} />
          </div>
        </div>
        <div className="ui-form-row ui-form-row-top">
          <div className="ui-field-grow">
            <Field name="password" label="Password" error={error} input={{ type: 'password', autoComplete: 'new-password', required: true, minLength: 12 }} />
          </div>
          <div className="ui-field-grow">
            <Field name="confirmPassword" label="Repeat password" error={error} input={{ type: 'password', autoComplete: 'new-password', required: true }} />
          </div>
        </div>
        <span className="ui-hint">At least 12 characters; a passphrase of several words is easiest to remember. Common passwords and the account name are refused.</span>
        <button type="submit" className="button ui-primary login-submit" disabled={complete.isPending} data-testid="setup-submit">
          {complete.isPending ? 'Creating the administrator…' : 'Create administrator'}
        </button>
      </form>
    </section>
  );
}
