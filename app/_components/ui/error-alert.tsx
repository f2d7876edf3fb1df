import type { UiError } from './errors';

/** A failure, with its code for support and its message for the user. */
export function ErrorAlert({ error, title, testId }: { error: UiError | { code: string; message: string } | null; title?: string; testId?: string }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-code={error.code}>
      <div className="alert-title">
        {title ?? 'That did not work.'}
        <code className="alert-code">{error.code}</code>
      </div>
      <p className="alert-message">{error.message}</p>
    </div>
  );
}
