'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../../_components/ui/badges';
import { Notice } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { describeUserAgent, formatDateTime, formatRelative } from '../../_components/ui/format';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { ActionsHeader } from '../../_components/ui/table';

type SessionRow = RouterOutputs['sessions']['list']['items'][number];

/** Where you are signed in; any other session can be ended, or all of them at once. */
export function SessionsCard({ initialSessions, now }: { initialSessions: SessionRow[]; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery({ ...trpc.sessions.list.queryOptions({}), initialData: { items: initialSessions } });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() });
  const end = useMutation(trpc.sessions.end.mutationOptions({ onSettled: invalidate }));
  const endOthers = useMutation(trpc.sessions.endOthers.mutationOptions({ onSettled: invalidate }));
  const [notice, setNotice] = useState<string | null>(null);
  const items = sessions.data?.items ?? [];
  const others = items.filter((session) => !session.current).length;
  const error = end.error ?? endOthers.error ?? sessions.error;
  return (
    <section className="card ui-card" aria-labelledby="sessions-title" aria-busy={sessions.isFetching} data-testid="sessions-card">
      <header className="ui-card-header">
        <h2 id="sessions-title">
          Sessions <span className="ui-muted">({items.length})</span>
        </h2>
        <p className="ui-card-note">Browsers signed in to your account. End any you do not recognise, and change your password.</p>
        <div className="card-actions">
          <button
            type="button"
            className="button ui-danger"
            onClick={() => endOthers.mutate(undefined, { onSuccess: (result) => setNotice(`${result.ended} other session(s) signed out.`) })}
            disabled={others === 0 || endOthers.isPending}
            data-testid="sessions-end-others"
          >
            Sign out all other sessions
          </button>
        </div>
      </header>
      <ErrorAlert error={error ? toUiError(error) : null} title="The sessions could not be handled." testId="sessions-error" />
      <Notice notice={notice} testId="sessions-notice" />
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="sessions-table">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">Expires</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((session) => (
              <tr key={session.id} data-testid="session-row" data-current={session.current}>
                <th scope="row">
                  {describeUserAgent(session.userAgent)} {session.current ? <Badge tone="accent">this browser</Badge> : null}
                  <span className="ui-sub">{session.authMethod === 'oidc' ? 'single sign-on' : 'password'}</span>
                </th>
                <td className="ui-mono">{session.ip ?? '—'}</td>
                <td className="ui-nowrap">{formatDateTime(session.createdAt)}</td>
                <td className="ui-nowrap" title={formatDateTime(session.lastSeenAt)}>
                  {session.current ? 'now' : formatRelative(session.lastSeenAt, now)}
                </td>
                <td className="ui-nowrap" title={formatDateTime(session.expiresAt)}>
                  {formatRelative(session.expiresAt, now)}
                </td>
                <td className="ui-actions">
                  {session.current ? null : (
                    <button type="button" className="button ui-small-button ui-danger" onClick={() => end.mutate({ id: session.id })} disabled={end.isPending} data-testid="session-end">
                      End
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
