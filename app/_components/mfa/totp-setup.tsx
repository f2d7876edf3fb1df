'use client';

import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../ui/error-alert';
import { toUiError, type UiError } from '../ui/errors';

export interface TotpSetupData {
  otpauthUri: string;
  qrCodeDataUrl: string;
  manualEntryKey: string;
}

/**
 * The QR code of a new TOTP secret and the code that proves the app has it. `confirm` sends the
 * code (mfa.confirmEnrolment); errors such as a mistyped code are shown and the form stays.
 */
export function TotpSetup(props: { setup: TotpSetupData; confirm: (code: string) => Promise<void>; onCancel?: () => void; submitLabel?: string }) {
  const [error, setError] = useState<UiError | null>(null);
  const [pending, setPending] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s+/g, '');
    setError(null);
    setPending(true);
    try {
      await props.confirm(code);
    } catch (cause) {
      setError(toUiError(cause));
      setPending(false);
    }
  };
  return (
    <form className="ui-form" onSubmit={onSubmit} aria-label="Set up an authenticator app" data-testid="totp-setup">
      <ol className="ui-steps">
        <li>Open an authenticator app (FreeOTP, Aegis, Google or Microsoft Authenticator, 1Password…).</li>
        <li>Scan the QR code, or type the key.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="ui-qr">
        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made by the server, nothing to optimise */}
        <img src={props.setup.qrCodeDataUrl} alt="QR code to scan with an authenticator app" width={180} height={180} data-testid="totp-qr" />
        <div className="ui-qr-manual">
          <span className="ui-field-label">Key for manual entry</span>
          <code data-testid="totp-manual-key">{props.setup.manualEntryKey}</code>
          <span className="ui-hint">Time-based, SHA-1, 6 digits, 30 seconds.</span>
        </div>
      </div>
      <ErrorAlert error={error} title="The code was not accepted." testId="totp-setup-error" />
      <div className="ui-form-row">
        <div className="ui-field">
          <label htmlFor="totp-setup-code">Code from the app</label>
          <input
            id="totp-setup-code"
            name="code"
            className="ui-input ui-input-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            autoFocus
            data-testid="totp-setup-code"
          />
        </div>
        <div className="ui-form-actions">
          <button type="submit" className="button ui-primary" disabled={pending} data-testid="totp-setup-submit">
            {pending ? 'Checking…' : (props.submitLabel ?? 'Turn on')}
          </button>
          {props.onCancel ? (
            <button type="button" className="button" onClick={props.onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
      </div>
    </form>
  );
}
