'use client';

import type { ReactNode } from 'react';
import { CopyButton } from './copy-button';

/** A secret shown the one time it exists (a new API token, a webhook's signing secret), to copy, then *Done*. */
export function SecretOnce(props: { message: ReactNode; value: string; onDone: () => void; testId: string; valueTestId: string }) {
  return (
    <div className="ui-secret" role="status" data-testid={props.testId}>
      <strong>{props.message}</strong>
      <div className="ui-secret-value">
        <code data-testid={props.valueTestId}>{props.value}</code>
        <CopyButton value={props.value} testId={`${props.valueTestId}-copy`} />
      </div>
      <div className="ui-form-actions">
        <button type="button" className="button" onClick={props.onDone} data-testid={`${props.testId}-done`}>
          Done
        </button>
      </div>
    </div>
  );
}
