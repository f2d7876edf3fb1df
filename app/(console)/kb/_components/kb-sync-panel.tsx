'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '../../../_trpc/client';
import { formatCount, formatUtcMinute, sourceLabel } from './kb-format';

/** While a run is going, its progress is polled this often; otherwise a run started elsewhere shows within a minute. */
const RUNNING_POLL_MS = 2_000;
const IDLE_POLL_MS = 60_000;

const STATE_LABEL: Record<string, string> = {
  running: 'Sync running',
  succeeded: 'Last sync succeeded',
  partial: 'Last sync partly failed',
  failed: 'Last sync failed',
  interrupted: 'Last sync was interrupted',
};

const SOURCE_STATE_LABEL = { pending: 'waiting', running: 'syncing…', done: 'done' } as const;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** "Sync now" and the live progress of the latest mirror sync, source by source. */
export function KbSyncPanel({ canSync }: { canSync: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runQuery = useQuery(
    trpc.kb.syncRun.queryOptions(
      {},
      {
        refetchInterval: (query) => (query.state.data?.state === 'running' ? RUNNING_POLL_MS : IDLE_POLL_MS),
        retry: false,
      },
    ),
  );
  const run = runQuery.data ?? null;
  const running = run?.state === 'running';
  const syncNow = useMutation(
    trpc.kb.syncNow.mutationOptions({
      onSuccess: (started) => {
        queryClient.setQueryData(trpc.kb.syncRun.queryKey({}), started);
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.kb.sources.queryKey() }),
    }),
  );
  // When a run ends, the per-source counts above change: refresh them once.
  const finishedAt = run?.finishedAt ?? null;
  useEffect(() => {
    if (finishedAt) void queryClient.invalidateQueries({ queryKey: trpc.kb.sources.queryKey() });
  }, [finishedAt, queryClient, trpc]);
  const done = run ? run.sources.filter((s) => s.state === 'done').length : 0;

  return (
    <section className="card ui-card kb-sync" aria-labelledby="kb-sync-title" data-testid="kb-sync">
      <header className="ui-card-header">
        <h2 id="kb-sync-title">Mirror sync</h2>
        <p className="kb-filter-summary ui-muted" data-testid="kb-sync-state" data-state={run?.state ?? 'none'}>
          {run
            ? `${STATE_LABEL[run.state] ?? run.state} · started ${formatUtcMinute(run.startedAt)}${run.requestedBy ? ` by ${run.requestedBy}` : ' (daily schedule)'}${
                run.finishedAt ? ` · finished ${formatUtcMinute(run.finishedAt)}` : ` · ${done} of ${run.sources.length} sources done`
              }`
            : 'No sync has run yet.'}
        </p>
        {canSync ? (
          <button type="button" className="button ui-primary" onClick={() => syncNow.mutate({})} disabled={running || syncNow.isPending} data-testid="kb-sync-now">
            {running || syncNow.isPending ? 'Syncing…' : 'Sync now'}
          </button>
        ) : null}
      </header>
      {syncNow.error ? (
        <div className="alert alert-error kb-alert" role="alert" data-testid="kb-sync-error">
          <p className="alert-message">{syncNow.error.message}</p>
        </div>
      ) : null}
      {run ? (
        <>
          <div className="kb-sync-bar" role="progressbar" aria-label="Sources synced" aria-valuemin={0} aria-valuemax={run.sources.length} aria-valuenow={done}>
            <span style={{ width: `${run.sources.length ? (100 * done) / run.sources.length : 100}%` }} />
          </div>
          <ul className="kb-sync-sources" data-testid="kb-sync-sources">
            {run.sources.map((s) => (
              <li key={s.source} data-testid="kb-sync-source" data-source={s.source} data-state={s.state} data-outcome={s.outcome ?? ''} className={s.outcome === 'failed' ? 'has-error' : undefined}>
                <span className="kb-sync-source-name">{sourceLabel(s.source)}</span>
                <span className="ui-muted">
                  {s.state === 'done'
                    ? `${s.outcome === 'not-modified' ? 'unchanged' : (s.outcome ?? '')}${s.downloaded ? ` · ${s.downloaded} file(s), ${formatBytes(s.bytes)}` : ''}${
                        s.created || s.updated ? ` · ${formatCount(s.created)} new, ${formatCount(s.updated)} changed` : ''
                      }${s.durationMs !== null ? ` · ${(s.durationMs / 1000).toFixed(1)} s` : ''}`
                    : SOURCE_STATE_LABEL[s.state]}
                </span>
                {s.error ? <span className="kb-error-text">{s.error}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
