'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState, type FormEvent } from 'react';
import { RecoveryCodes } from '../../_components/mfa/recovery-codes';
import { TotpSetup } from '../../_components/mfa/totp-setup';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../_components/ui/errors';
import { useTRPC } from '../../_trpc/client';

export type LoginStart = { step: 'password' | 'totp' | 'enrol'; email: string };

export interface SsoProviderButton {
  id: string;
  displayName: string;
  loginUrl: string;
}

type Step = { kind: 'password' } | { kind: 'totp'; email: string } | { kind: 'enrol'; email: string };

/** Wrong credentials and lockouts read as the server words them; everything else with its code. */
function loginErrorTitle(error: UiError): string {
  if (error.code === 'UNAUTHENTICATED') return 'Not signed in.';
  if (error.code === 'RATE_LIMITED') return 'Sign-in blocked for now.';
  return 'Sign-in failed.';
}

function PasswordStep(props: { onSignedIn: (state: string, email: string) => void; initialEmail: string }) {
  const trpc = useTRPC();
  const [error, setError] = useState<UiError | null>(null);
  const login = useMutation(trpc.auth.login.mutationOptions());
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setError(null);
    login.mutate(
      { email, password },
      {
        onSuccess: (result) => props.onSignedIn(result.state, result.user.email),
        onError: (cause) => {
          setError(toUiError(cause));
          const field = document.getElementById('login-password') as HTMLInputElement | null;
          field?.select();
        },
      },
    );
  };
  const emailError = fieldError(error, 'email');
  return (
    <form className="ui-form" onSubmit={onSubmit} aria-label="Sign in with e-mail and password" data-testid="login-form" noValidate>
      {error ? <ErrorAlert error={error} title={loginErrorTitle(error)} testId="login-error" /> : null}
      <div className="ui-field">
        <label htmlFor="login-email">E-mail</label>
        <input
          id="login-email"
          name="email"
          type="email"
          className="ui-input"
          autoComplete="username"
          defaultValue={props.initialEmail}
          required
          autoFocus
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? 'login-email-error' : undefined}
          data-testid="login-email"
        />
        {emailError ? (
          <span id="login-email-error" className="ui-field-error">
            {emailError}
          </span>
        ) : null}
      </div>
      <div className="ui-field">
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" className="ui-input" autoComplete="current-password" required data-testid="login-password" />
      </div>
      <button type="submit" className="button ui-primary login-submit" disabled={login.isPending} data-testid="login-submit">
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function SsoButtons({ providers, next }: { providers: readonly SsoProviderButton[]; next: string }) {
  if (providers.length === 0) return null;
  return (
    <>
      <div className="login-divider" role="separator">
        or
      </div>
      <div className="login-sso" data-testid="sso-buttons">
        {providers.map((provider) => (
          // A full navigation: the provider's login route redirects to the identity provider.
          <a key={provider.id} href={next === '/' ? provider.loginUrl : `${provider.loginUrl}?next=${encodeURIComponent(next)}`} className="button" data-testid={`sso-${provider.id}`}>
            Sign in with {provider.displayName}
          </a>
        ))}
      </div>
    </>
  );
}

function TotpStep(props: { email: string; onSignedIn: () => void; onRestart: () => void }) {
  const trpc = useTRPC();
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const verify = useMutation(trpc.mfa.verify.mutationOptions());
  const recover = useMutation(trpc.mfa.recover.mutationOptions());
  const pending = verify.isPending || recover.isPending;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = String(new FormData(form).get('code') ?? '').trim();
    setError(null);
    const handlers = {
      onSuccess: props.onSignedIn,
      onError: (cause: unknown) => {
        setError(toUiError(cause));
        (form.elements.namedItem('code') as HTMLInputElement | null)?.select();
      },
    };
    if (useRecovery) recover.mutate({ recoveryCode: value }, handlers);
    else verify.mutate({ code: value.replace(/\s+/g, '') }, handlers);
  };
  return (
    <form className="ui-form" onSubmit={onSubmit} aria-label="Second factor" data-testid="totp-form" noValidate>
      <div className="login-step-header">
        <h1 id="login-title">Two-factor sign-in</h1>
        <p>
          Password accepted for <span className="login-who">{props.email}</span>
        </p>
        <p>{useRecovery ? 'Enter one of your recovery codes; each works once.' : 'Enter the 6-digit code from your authenticator app.'}</p>
      </div>
      {error ? <ErrorAlert error={error} title={error.code === 'RATE_LIMITED' ? 'Sign-in blocked for now.' : 'Code not accepted.'} testId="totp-error" /> : null}
      <div className="ui-field">
        <label htmlFor="login-code">{useRecovery ? 'Recovery code' : 'Authentication code'}</label>
        {useRecovery ? (
          <input id="login-code" key="recovery" name="code" className="ui-input ui-mono" autoComplete="off" spellCheck={false} placeholder="xxxx-xxxx-xxxx-xxxx" required autoFocus data-testid="recovery-code-input" />
        ) : (
          <input
            id="login-code"
            key="totp"
            name="code"
            className="ui-input ui-input-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            placeholder="000000"
            required
            autoFocus
            data-testid="totp-code"
          />
        )}
      </div>
      <button type="submit" className="button ui-primary login-submit" disabled={pending} data-testid="totp-submit">
        {pending ? 'Checking…' : 'Verify'}
      </button>
      <div className="login-links">
        <button
          type="button"
          className="ui-link-button"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setError(null);
          }}
          data-testid="use-recovery-code"
        >
          {useRecovery ? 'Use the authenticator app' : 'Use a recovery code'}
        </button>
        <button type="button" className="ui-link-button" onClick={props.onRestart} data-testid="login-restart">
          Sign in as someone else
        </button>
      </div>
    </form>
  );
}

/** Policy requires a second factor and this account has none yet: set it up before going anywhere. */
function EnrolStep(props: { email: string; onDone: () => void; onRestart: () => void }) {
  const trpc = useTRPC();
  const begin = useMutation(trpc.mfa.beginEnrolment.mutationOptions());
  const confirm = useMutation(trpc.mfa.confirmEnrolment.mutationOptions());
  const [codes, setCodes] = useState<string[] | null>(null);
  const { mutate: start, data: setup, error: beginError } = begin;
  useEffect(() => start(), [start]);
  if (codes) {
    return (
      <div className="ui-form" data-testid="enrol-done">
        <div className="login-step-header">
          <h1 id="login-title">Two-factor sign-in is on</h1>
          <p>From now on Vigil asks for a code from your authenticator app after your password.</p>
        </div>
        <RecoveryCodes codes={codes} onDone={props.onDone} doneLabel="I have stored them — continue" />
      </div>
    );
  }
  return (
    <div className="ui-form" data-testid="enrol-step">
      <div className="login-step-header">
        <h1 id="login-title">Set up two-factor sign-in</h1>
        <p>
          A second factor is required for <span className="login-who">{props.email}</span>
        </p>
        <p>Set up an authenticator app to continue.</p>
      </div>
      {beginError ? <ErrorAlert error={toUiError(beginError)} title="Two-factor set-up could not start." testId="enrol-error" /> : null}
      {setup ? (
        <TotpSetup
          setup={setup}
          submitLabel="Turn on and continue"
          confirm={async (code) => {
            const result = await confirm.mutateAsync({ code });
            setCodes(result.recoveryCodes);
          }}
        />
      ) : !beginError ? (
        <p className="ui-muted">Preparing a new secret…</p>
      ) : null}
      <div className="login-links">
        <button type="button" className="ui-link-button" onClick={props.onRestart} data-testid="login-restart">
          Sign in as someone else
        </button>
      </div>
    </div>
  );
}

/**
 * Sign-in: e-mail and password, then the second factor when the account has one (or must set one
 * up), then on to the page the user came from. The session cookie is set by the server at each step.
 */
export function LoginFlow(props: {
  start: LoginStart;
  next: string;
  ssoError: { code: string; message: string } | null;
  ssoProviders: readonly SsoProviderButton[];
  /** First boot: no account exists yet ('required'), or /setup just made the first administrator ('done'). */
  setup: 'required' | 'done' | null;
}) {
  const [step, setStep] = useState<Step>(props.start.step === 'password' ? { kind: 'password' } : { kind: props.start.step, email: props.start.email });
  // A full navigation, so the console's layout renders for the signed-in user from the server.
  const finish = () => window.location.assign(props.next);
  const onSignedIn = (state: string, email: string) => {
    if (state === 'mfa-pending') setStep({ kind: 'totp', email });
    else if (state === 'mfa-enrolment') setStep({ kind: 'enrol', email });
    else finish();
  };
  const restart = () => setStep({ kind: 'password' });

  return (
    <section className={step.kind === 'enrol' ? 'auth-card auth-card-wide login-card' : 'auth-card login-card'} aria-labelledby="login-title" data-testid="login-card" data-step={step.kind}>
      {step.kind === 'totp' ? <TotpStep email={step.email} onSignedIn={finish} onRestart={restart} /> : null}
      {step.kind === 'enrol' ? <EnrolStep email={step.email} onDone={finish} onRestart={restart} /> : null}
      {step.kind === 'password' ? (
        <>
          <div className="login-step-header">
            <h1 id="login-title">Sign in to Vigil</h1>
            <p>{props.ssoProviders.length > 0 ? 'Use your Vigil account, or your organisation’s single sign-on.' : 'Use your Vigil account.'}</p>
          </div>
          {props.setup === 'required' ? (
            <div className="alert ui-alert-warn" role="status" data-testid="setup-notice">
              No account exists yet.{' '}
              <Link href="/setup" data-testid="setup-link">
                Set up the first administrator
              </Link>{' '}
              with the one-time setup token shown on the appliance&rsquo;s console.
            </div>
          ) : null}
          {props.setup === 'done' ? (
            <div className="alert ui-alert-ok" role="status" data-testid="setup-done-notice">
              The first administrator is ready: sign in with that account.
            </div>
          ) : null}
          {props.ssoError ? <ErrorAlert error={props.ssoError} title="Single sign-on failed." testId="sso-error" /> : null}
          <PasswordStep onSignedIn={onSignedIn} initialEmail={props.start.email} />
          <SsoButtons providers={props.ssoProviders} next={props.next} />
        </>
      ) : null}
    </section>
  );
}
