'use client';

import { useMutation } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useState, type FormEvent, type ReactNode } from 'react';
import { useTRPC } from '../_trpc/client';
import { Dialog } from './ui/dialog';
import { ErrorAlert } from './ui/error-alert';
import { isReauthRequired, toUiError, type UiError } from './ui/errors';

type RunSensitive = <T>(action: () => Promise<T>) => Promise<T>;

const ReauthContext = createContext<RunSensitive | null>(null);

/** Thrown by `runSensitive` when the user closes the password prompt instead of confirming. */
export class ReauthCancelled extends Error {
  constructor() {
    super('re-authentication cancelled');
    this.name = 'ReauthCancelled';
  }
}

export function isReauthCancelled(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReauthCancelled';
}

/**
 * Sensitive changes (password, second factor, API tokens) need a recent proof of identity. When a
 * procedure answers REAUTH_REQUIRED, this asks for the password (or an authenticator code), calls
 * account.reauthenticate, and runs the change once more.
 */
export function ReauthProvider(props: { children: ReactNode; hasPassword: boolean; hasTotp: boolean }) {
  const [prompt, setPrompt] = useState<{ resolve: () => void; reject: (error: Error) => void } | null>(null);

  const ask = useCallback(() => new Promise<void>((resolve, reject) => setPrompt({ resolve, reject })), []);

  const runSensitive = useCallback<RunSensitive>(
    async (action) => {
      try {
        return await action();
      } catch (error) {
        if (!isReauthRequired(error)) throw error;
        await ask();
        return action();
      }
    },
    [ask],
  );

  return (
    <ReauthContext.Provider value={runSensitive}>
      {props.children}
      {prompt ? (
        <ReauthDialog
          hasPassword={props.hasPassword}
          hasTotp={props.hasTotp}
          onConfirmed={() => {
            setPrompt(null);
            prompt.resolve();
          }}
          onCancel={() => {
            setPrompt(null);
            prompt.reject(new ReauthCancelled());
          }}
        />
      ) : null}
    </ReauthContext.Provider>
  );
}

export function useRunSensitive(): RunSensitive {
  const run = useContext(ReauthContext);
  if (!run) throw new Error('useRunSensitive needs a ReauthProvider');
  return run;
}

function ReauthDialog(props: { hasPassword: boolean; hasTotp: boolean; onConfirmed: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const reauthenticate = useMutation(trpc.account.reauthenticate.mutationOptions());
  const [withCode, setWithCode] = useState(!props.hasPassword);
  const [error, setError] = useState<UiError | null>(null);
  const canProve = props.hasPassword || props.hasTotp;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('proof') ?? '');
    setError(null);
    reauthenticate.mutate(withCode ? { code: value.replace(/\s+/g, '') } : { password: value }, {
      onSuccess: props.onConfirmed,
      onError: (cause) => setError(toUiError(cause)),
    });
  };
  return (
    <Dialog
      title="Confirm it’s you"
      description="This change needs a recent sign-in. Confirming allows sensitive changes for the next 10 minutes."
      onClose={props.onCancel}
      testId="reauth-dialog"
    >
      {canProve ? (
        <form className="ui-form" onSubmit={onSubmit} noValidate>
          <ErrorAlert error={error} title="Not confirmed." testId="reauth-error" />
          <div className="ui-field">
            <label htmlFor="reauth-proof">{withCode ? 'Code from your authenticator app' : 'Your password'}</label>
            {withCode ? (
              <input id="reauth-proof" key="code" name="proof" className="ui-input ui-input-code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required autoFocus data-testid="reauth-code" />
            ) : (
              <input id="reauth-proof" key="password" name="proof" type="password" className="ui-input" autoComplete="current-password" required autoFocus data-testid="reauth-password" />
            )}
          </div>
          <div className="ui-form-actions">
            <button type="submit" className="button ui-primary" disabled={reauthenticate.isPending} data-testid="reauth-submit">
              {reauthenticate.isPending ? 'Checking…' : 'Confirm'}
            </button>
            <button type="button" className="button" onClick={props.onCancel}>
              Cancel
            </button>
            {props.hasPassword && props.hasTotp ? (
              <button type="button" className="ui-link-button" onClick={() => setWithCode(!withCode)}>
                {withCode ? 'Use my password' : 'Use an authenticator code'}
              </button>
            ) : null}
          </div>
        </form>
      ) : (
        <>
          <p>
            Your account signs in through single sign-on and has no authenticator app set up, so it cannot be confirmed here. Sign out and sign in again through your identity provider, then retry
            within 10 minutes.
          </p>
          <div className="ui-form-actions">
            <button type="button" className="button" onClick={props.onCancel}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
