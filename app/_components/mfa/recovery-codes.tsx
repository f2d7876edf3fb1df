'use client';

import { CopyButton } from '../ui/copy-button';

/** Recovery codes, shown once right after they are made: copy, download, then confirm they are stored. */
export function RecoveryCodes({ codes, onDone, doneLabel }: { codes: readonly string[]; onDone: () => void; doneLabel: string }) {
  const text = `Vigil recovery codes — each works once, instead of a code from your authenticator app.\n\n${codes.join('\n')}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'vigil-recovery-codes.txt';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="ui-secret" data-testid="recovery-codes">
      <strong>Save your recovery codes now</strong>
      <p className="ui-small">
        If you lose your authenticator, each of these codes signs you in once. They are not shown again: store them in your password manager or print them.
      </p>
      <ol className="ui-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ol>
      <div className="ui-form-actions">
        <CopyButton value={codes.join('\n')} label="Copy codes" testId="recovery-codes-copy" />
        <button type="button" className="button" onClick={download} data-testid="recovery-codes-download">
          Download .txt
        </button>
        <button type="button" className="button ui-primary" onClick={onDone} data-testid="recovery-codes-done">
          {doneLabel}
        </button>
      </div>
    </div>
  );
}
