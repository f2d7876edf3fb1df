'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../_trpc/client';
import {
  OUTDATED_AFTER_HOURS,
  SOURCE_DESCRIPTION,
  STALE_AFTER_HOURS,
  formatAge,
  formatCount,
  formatUtcMinute,
  freshnessOf,
  sourceLabel,
  type Freshness,
} from './kb-format';
import type { KbError, KbSourceRow, KbSourcesResult } from './kb-types';
import { useHydrated } from '../../../_components/ui/hydration';

const REFRESH_MS = 60_000;

const FRESHNESS_LABEL: Record<Freshness, string> = {
  fresh: 'fresh',
  stale: 'stale',
  outdated: 'outdated',
  never: 'never imported',
};

function FreshnessCell({ row }: { row: KbSourceRow }) {
  const freshness = freshnessOf(row.ageHours);
  return (
    <span
      className={`kb-fresh kb-fresh-${freshness}`}
      data-testid="kb-source-freshness"
      data-freshness={freshness}
      title={
        freshness === 'never'
          ? 'No import or sync has run for this source'
          : `Data confirmed current ${formatAge(row.ageHours)} ago (import or sync); stale after ${STALE_AFTER_HOURS} h, outdated after ${OUTDATED_AFTER_HOURS / 24} days`
      }
    >
      <span className="kb-fresh-dot" aria-hidden="true" />
      {freshness === 'never' ? 'never' : formatAge(row.ageHours)}
      {freshness !== 'fresh' && freshness !== 'never' ? <span className="kb-fresh-label">{FRESHNESS_LABEL[freshness]}</span> : null}
    </span>
  );
}

const SYNC_OUTCOME_LABEL: Record<'updated' | 'not-modified' | 'failed', string> = {
  updated: 'updated',
  'not-modified': 'unchanged',
  failed: 'failed',
};

function SourceRow({ row }: { row: KbSourceRow }) {
  return (
    <tr data-testid="kb-source-row" data-source={row.source} className={row.lastError || row.lastSyncError ? 'has-error' : undefined}>
      <th scope="row" className="kb-source-name">
        <span className="kb-source-label">{sourceLabel(row.source)}</span>
        <span className="kb-source-id ui-mono">{row.source}</span>
        <span className="kb-source-desc">{SOURCE_DESCRIPTION[row.source] ?? ''}</span>
      </th>
      <td className="ui-num" data-testid="kb-source-records">
        {formatCount(row.records)}
      </td>
      <td className="ui-num" data-testid="kb-source-contributions">
        {formatCount(row.contributions)}
      </td>
      <td className="ui-mono ui-nowrap" data-testid="kb-source-last-import">
        {formatUtcMinute(row.lastImportAt)}
      </td>
      <td className="ui-nowrap" data-testid="kb-source-last-sync">
        {row.lastSyncAt ? (
          <>
            <span className={row.lastSyncOutcome === 'failed' ? 'kb-error-text' : undefined}>{SYNC_OUTCOME_LABEL[row.lastSyncOutcome ?? 'updated']}</span>{' '}
            <span className="ui-mono ui-muted kb-source-sync-time">{formatUtcMinute(row.lastSyncAt)}</span>
          </>
        ) : (
          <span className="ui-muted">—</span>
        )}
      </td>
      <td>
        <FreshnessCell row={row} />
      </td>
      <td className="ui-num" data-testid="kb-source-problems">
        {row.lastProblems > 0 ? <span className="kb-problems">{formatCount(row.lastProblems)}</span> : <span className="ui-muted">0</span>}
      </td>
      <td className="kb-source-error" data-testid="kb-source-error">
        {row.lastError || row.lastSyncError ? <span className="kb-error-text">{row.lastSyncError ?? row.lastError}</span> : <span className="ui-muted">—</span>}
      </td>
    </tr>
  );
}

export function KbSources(props: { initialData: KbSourcesResult | null; initialError: KbError | null; loadedAt: number }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.kb.sources.queryOptions(undefined, {
      initialData: props.initialData ?? undefined,
      initialDataUpdatedAt: props.loadedAt,
      refetchInterval: REFRESH_MS,
      retry: false,
    }),
  );
  const fetching = useHydrated() && query.isFetching;
  const data = query.data;
  const error: KbError | null = query.error
    ? { code: query.error.data?.appCode ?? query.error.data?.code ?? 'NETWORK', message: query.error.data ? query.error.message : `The console did not answer (${query.error.message}).` }
    : data
      ? null
      : props.initialError;
  const sources = data?.sources ?? [];
  const stale = sources.filter((row) => row.ageHours !== null && row.ageHours > STALE_AFTER_HOURS).length;
  const failing = sources.filter((row) => row.lastError || row.lastSyncError).length;
  const never = sources.filter((row) => row.ageHours === null).length;

  return (
    <div className="kb-sources">
      <div className="kb-stats" data-testid="kb-stats">
        <div className="card kb-stat">
          <span className="kb-stat-value" data-testid="kb-stat-vulnerabilities">
            {data ? formatCount(data.vulnerabilities) : '—'}
          </span>
          <span className="kb-stat-label">vulnerabilities</span>
        </div>
        <div className="card kb-stat">
          <span className="kb-stat-value" data-testid="kb-stat-kev">
            {data ? formatCount(data.kevListed) : '—'}
          </span>
          <span className="kb-stat-label">in CISA KEV</span>
        </div>
        <div className={stale > 0 ? 'card kb-stat is-warn' : 'card kb-stat'}>
          <span className="kb-stat-value" data-testid="kb-stat-stale">
            {data ? stale : '—'}
          </span>
          <span className="kb-stat-label">stale sources (&gt; {STALE_AFTER_HOURS} h)</span>
        </div>
        <div className={failing > 0 ? 'card kb-stat is-down' : 'card kb-stat'}>
          <span className="kb-stat-value" data-testid="kb-stat-failing">
            {data ? failing : '—'}
          </span>
          <span className="kb-stat-label">with errors</span>
        </div>
        <div className="card kb-stat">
          <span className="kb-stat-value" data-testid="kb-stat-never">
            {data ? never : '—'}
          </span>
          <span className="kb-stat-label">never imported</span>
        </div>
      </div>

      <section className="card ui-card kb-results" aria-labelledby="kb-sources-title" data-testid="kb-sources">
        <header className="ui-card-header">
          <h2 id="kb-sources-title">Upstream sources</h2>
          <p className="kb-filter-summary ui-muted">
            Mirrored daily; a source is stale {STALE_AFTER_HOURS} h after its last import. Refreshes every {REFRESH_MS / 1000} s.
          </p>
          <button type="button" className="button" onClick={() => void query.refetch()} disabled={fetching} data-testid="kb-sources-refresh">
            {fetching ? 'Refreshing' : 'Refresh'}
          </button>
        </header>
        {error ? (
          <div className="alert alert-error kb-alert" role="alert" data-testid="kb-sources-error">
            <div className="alert-title">
              {data ? 'The last refresh failed — showing the previous values.' : 'Source status is unavailable.'}
              <code className="alert-code">{error.code}</code>
            </div>
            <p className="alert-message">{error.message}</p>
          </div>
        ) : null}
        <div className="ui-table-wrap">
          <table className="ui-table kb-table" data-testid="kb-sources-table">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col" className="ui-num">
                  Records
                </th>
                <th scope="col" className="ui-num">
                  Contributions
                </th>
                <th scope="col">Last import</th>
                <th scope="col">Last sync</th>
                <th scope="col">Freshness</th>
                <th scope="col" className="ui-num">
                  Problems
                </th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((row) => (
                <SourceRow key={row.source} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
