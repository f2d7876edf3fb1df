'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../../_components/ui/dialog-parts';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { EXCEPTION_KIND_LABEL } from './finding-labels';

type Exception = RouterOutputs['exceptions']['list']['items'][number];
type Action = 'approve' | 'reject' | 'revoke';

/** What the signed-in user may do with exceptions (the server decides; this only picks the buttons). */
export interface ExceptionPowers {
  userId: string;
  canApprove: boolean;
  canTriage: boolean;
}

const VERB: Record<Action, { label: string; pending: string; done: string; tone: 'primary' | 'danger' }> = {
  approve: { label: 'Approve', pending: 'Approving…', done: 'approved', tone: 'primary' },
  reject: { label: 'Reject', pending: 'Rejecting…', done: 'rejected', tone: 'danger' },
  revoke: { label: 'Revoke', pending: 'Revoking…', done: 'revoked', tone: 'danger' },
};

/**
 * Approve and reject (findings:approve, a requested exception — the requester's own is refused by the server, four
 * eyes) and revoke (a live one; approvers, or the requester), each after a confirmation that shows the server's
 * refusal as it words it.
 */
export function ExceptionActions(props: { exception: Exception; powers: ExceptionPowers; onDone: (text: string) => void; testIdPrefix?: string }) {
  const { exception, powers } = props;
  const trpc = useTRPC();
  const approve = useMutation(trpc.exceptions.approve.mutationOptions());
  const reject = useMutation(trpc.exceptions.reject.mutationOptions());
  const revoke = useMutation(trpc.exceptions.revoke.mutationOptions());
  const [action, setAction] = useState<Action | null>(null);
  const [note, setNote] = useState('');
  const prefix = props.testIdPrefix ?? 'exception';
  const mutation = action === 'approve' ? approve : action === 'reject' ? reject : revoke;

  const canDecide = exception.status === 'requested' && powers.canApprove;
  const canRevoke = (exception.status === 'requested' || exception.status === 'approved') && powers.canTriage && (powers.canApprove || exception.requestedBy.id === powers.userId);
  if (!canDecide && !canRevoke) return null;

  const open = (next: Action) => {
    approve.reset();
    reject.reset();
    revoke.reset();
    setNote('');
    setAction(next);
  };
  const confirm = () => {
    if (!action) return;
    const done = () => {
      setAction(null);
      props.onDone(`The ${EXCEPTION_KIND_LABEL[exception.kind]?.toLowerCase() ?? 'exception'} is ${VERB[action].done}.`);
    };
    if (action === 'revoke') revoke.mutate({ id: exception.id }, { onSuccess: done });
    else (action === 'approve' ? approve : reject).mutate({ id: exception.id, ...(note.trim() ? { note: note.trim() } : {}) }, { onSuccess: done });
  };
  const button = (next: Action, className: string) => (
    <button type="button" className={`button ui-small-button ${className}`} onClick={() => open(next)} data-testid={`${prefix}-${next}`}>
      {VERB[next].label}
    </button>
  );

  return (
    <span className="fd-actions">
      {canDecide ? button('approve', 'ui-primary') : null}
      {canDecide ? button('reject', '') : null}
      {canRevoke ? button('revoke', '') : null}
      {action ? (
        <ConfirmDialog
          title={`${VERB[action].label} this ${EXCEPTION_KIND_LABEL[exception.kind]?.toLowerCase() ?? 'exception'}?`}
          description={
            action === 'approve'
              ? `Its ${exception.findingIds.length} ${exception.findingIds.length === 1 ? 'finding leaves' : 'findings leave'} open counts, risk and SLAs until it ${exception.expiresAt ? 'expires or ' : ''}is revoked.`
              : action === 'reject'
                ? 'The request ends; its findings stay open.'
                : 'It ends now; the findings it covers that are still open count again (reopened).'
          }
          confirmLabel={VERB[action].label}
          pendingLabel={VERB[action].pending}
          pending={mutation.isPending}
          error={mutation.error}
          errorTitle={`The exception was not ${VERB[action].done}.`}
          tone={VERB[action].tone}
          onConfirm={confirm}
          onClose={() => setAction(null)}
          testId={`${prefix}-confirm`}
        >
          <blockquote className="fd-quote">{exception.justification}</blockquote>
          {action !== 'revoke' ? (
            <div className="ui-field">
              <label htmlFor={`${prefix}-note`}>Note for the record (optional)</label>
              <input id={`${prefix}-note`} className="ui-input" maxLength={1000} value={note} onChange={(event) => setNote(event.currentTarget.value)} data-testid={`${prefix}-note`} />
            </div>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </span>
  );
}
