'use client';

import type { ReactNode } from 'react';
import { Dialog } from './dialog';
import { ErrorAlert } from './error-alert';
import { toUiError } from './errors';

/** Submit and Cancel at the foot of a form. */
export function FormActions(props: { pending: boolean; label: string; pendingLabel?: string; onCancel: () => void; testId: string }) {
  return (
    <div className="ui-form-actions">
      <button type="submit" className="button ui-primary" disabled={props.pending} data-testid={props.testId}>
        {props.pending ? (props.pendingLabel ?? 'Saving…') : props.label}
      </button>
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** "Are you sure?" before a change that cannot be taken back (delete, revoke, turn off). */
export function ConfirmDialog(props: {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** The failure of the confirmed action, if any. */
  error: unknown;
  errorTitle: string;
  tone?: 'danger' | 'primary';
  onConfirm: () => void;
  onClose: () => void;
  children?: ReactNode;
  testId: string;
}) {
  return (
    <Dialog
      title={props.title}
      description={props.description}
      onClose={props.onClose}
      testId={props.testId}
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className={props.tone === 'primary' ? 'button ui-primary' : 'button ui-danger'} onClick={props.onConfirm} disabled={props.pending} data-testid={`${props.testId}-confirm`}>
            {props.pending ? props.pendingLabel : props.confirmLabel}
          </button>
        </>
      }
    >
      <ErrorAlert error={props.error ? toUiError(props.error) : null} title={props.errorTitle} testId={`${props.testId}-error`} />
      {props.children}
    </Dialog>
  );
}

/** A change that went through, or one that did not, above the page's content. */
export function Notice({ notice, testId }: { notice: { ok: boolean; text: string } | string | null; testId: string }) {
  if (!notice) return null;
  const { ok, text } = typeof notice === 'string' ? { ok: true, text: notice } : notice;
  return (
    <div className={ok ? 'alert ui-alert-ok' : 'alert alert-error'} role={ok ? 'status' : 'alert'} data-testid={testId}>
      {text}
    </div>
  );
}
