'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { RecoveryCodes } from '../../_components/mfa/recovery-codes';
import { TotpSetup, type TotpSetupData } from '../../_components/mfa/totp-setup';
import { isReauthCancelled, useRunSensitive } from '../../_components/reauth';
import { Badge } from '../../_components/ui/badges';
import { ConfirmDialog, Notice } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError, type UiError } from '../../_components/ui/errors';
import { formatDay } from '../../_components/ui/format';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';

type MfaStatus = RouterOutputs['mfa']['status'];

type Mode = { kind: 'idle' } | { kind: 'setup'; setup: TotpSetupData } | { kind: 'codes'; codes: string[]; heading: string } | { kind: 'confirm-disable' } | { kind: 'confirm-regenerate' };

/** Two-factor sign-in with an authenticator app (TOTP): set up, recovery codes, turn off. */
export function MfaCard({ status, refresh }: { status: MfaStatus | null; refresh: () => void }) {
  const trpc = useTRPC();
  const runSensitive = useRunSensitive();
  const begin = useMutation(trpc.mfa.beginEnrolment.mutationOptions());
  const confirm = useMutation(trpc.mfa.confirmEnrolment.mutationOptions());
  const disable = useMutation(trpc.mfa.disable.mutationOptions());
  const regenerate = useMutation(trpc.mfa.regenerateRecoveryCodes.mutationOptions());
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [error, setError] = useState<UiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const guarded = async (action: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (cause) {
      if (!isReauthCancelled(cause)) setError(toUiError(cause));
    }
  };
  const startSetup = () =>
    guarded(async () => {
      const setup = await runSensitive(() => begin.mutateAsync());
      setMode({ kind: 'setup', setup });
    });
  const turnOff = () =>
    guarded(async () => {
      const result = await runSensitive(() => disable.mutateAsync());
      setMode({ kind: 'idle' });
      setNotice(result.requiredByPolicy ? 'Two-factor sign-in is off. Your role requires it: your next sign-in asks you to set it up again.' : 'Two-factor sign-in is off.');
      refresh();
    }).finally(() => setMode((current) => (current.kind === 'confirm-disable' ? { kind: 'idle' } : current)));
  const newCodes = () =>
    guarded(async () => {
      const result = await runSensitive(() => regenerate.mutateAsync());
      setMode({ kind: 'codes', codes: result.recoveryCodes, heading: 'New recovery codes' });
      refresh();
    }).finally(() => setMode((current) => (current.kind === 'confirm-regenerate' ? { kind: 'idle' } : current)));

  const enabled = status?.enabled ?? false;
  return (
    <section className="card ui-card" aria-labelledby="mfa-title" data-testid="mfa-card" data-enabled={enabled}>
      <header className="ui-card-header">
        <h2 id="mfa-title">Two-factor sign-in</h2>
        {enabled ? (
          <Badge tone="ok" testId="mfa-state">
            On
          </Badge>
        ) : (
          <Badge tone={status?.requiredByPolicy ? 'warn' : undefined} testId="mfa-state">
            Off
          </Badge>
        )}
        {status?.requiredByPolicy ? <span className="ui-card-note">Required for your role</span> : null}
      </header>
      <div className="ui-card-body">
        <ErrorAlert error={error} title="That did not work." testId="mfa-error" />
        <Notice notice={notice} testId="mfa-notice" />
        {mode.kind === 'setup' ? (
          <TotpSetup
            setup={mode.setup}
            onCancel={() => setMode({ kind: 'idle' })}
            confirm={async (code) => {
              const result = await runSensitive(() => confirm.mutateAsync({ code }));
              setMode({ kind: 'codes', codes: result.recoveryCodes, heading: 'Two-factor sign-in is on' });
              refresh();
            }}
          />
        ) : mode.kind === 'codes' ? (
          <>
            <strong>{mode.heading}</strong>
            <RecoveryCodes codes={mode.codes} onDone={() => setMode({ kind: 'idle' })} doneLabel="Done — I have stored them" />
          </>
        ) : enabled ? (
          <>
            <p>
              After your password, Vigil asks for a code from your authenticator app.
              {status?.enrolledAt ? ` Set up on ${formatDay(status.enrolledAt)}.` : ''}
            </p>
            <p data-testid="mfa-codes-left">
              <strong>{status?.recoveryCodesLeft ?? 0}</strong> recovery code{status?.recoveryCodesLeft === 1 ? '' : 's'} left.
            </p>
            <div className="ui-form-actions">
              <button type="button" className="button" onClick={() => setMode({ kind: 'confirm-regenerate' })} data-testid="mfa-regenerate-open">
                New recovery codes
              </button>
              <button type="button" className="button ui-danger" onClick={() => setMode({ kind: 'confirm-disable' })} data-testid="mfa-disable-open">
                Turn off
              </button>
            </div>
          </>
        ) : (
          <>
            <p>Protect your account with a code from an authenticator app, asked after your password. Recommended for every account.</p>
            <div className="ui-form-actions">
              <button type="button" className="button ui-primary" onClick={startSetup} disabled={begin.isPending} data-testid="mfa-enrol-start">
                {begin.isPending ? 'Preparing…' : 'Set up authenticator app'}
              </button>
            </div>
          </>
        )}
      </div>
      {mode.kind === 'confirm-disable' ? (
        <ConfirmDialog
          title="Turn off two-factor sign-in?"
          description="Your password alone will sign you in. Your recovery codes stop working."
          confirmLabel="Turn off"
          pendingLabel="Turning off…"
          pending={disable.isPending}
          error={null}
          errorTitle="Two-factor sign-in was not turned off."
          onConfirm={turnOff}
          onClose={() => setMode({ kind: 'idle' })}
          testId="mfa-disable"
        >
          <p>{status?.requiredByPolicy ? 'Your role requires a second factor: your next sign-in asks you to set it up again.' : 'You can set it up again at any time.'}</p>
        </ConfirmDialog>
      ) : null}
      {mode.kind === 'confirm-regenerate' ? (
        <ConfirmDialog
          title="Make new recovery codes?"
          description="The codes you have now stop working."
          confirmLabel="Make new codes"
          pendingLabel="Making…"
          pending={regenerate.isPending}
          error={null}
          errorTitle="No new codes were made."
          tone="primary"
          onConfirm={newCodes}
          onClose={() => setMode({ kind: 'idle' })}
          testId="mfa-regenerate"
        >
          <p>You will see the ten new codes once.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
