'use client';

import { useQuery } from '@tanstack/react-query';
import { type ReactNode } from 'react';
import { useHydrated } from '../_components/ui/hydration';
import { useTRPC } from '../_trpc/client';
import {
  formatDatabase,
  formatLatency,
  formatMasterKey,
  formatUptime,
  formatUtc,
  type StatusError,
  type SystemStatus,
} from './system-status-format';

const REFRESH_MS = 10_000;

type Health = 'ok' | 'stale' | 'degraded' | 'unavailable' | 'pending';

const HEALTH_LABEL: Record<Health, string> = {
  ok: 'Operational',
  stale: 'Refresh failed',
  degraded: 'Degraded',
  unavailable: 'Unavailable',
  pending: 'Loading',
};

function Row({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

type Tone = 'ok' | 'warn' | 'down' | 'pending';

const TONE_OF: Record<Health, Tone> = { ok: 'ok', stale: 'warn', degraded: 'down', unavailable: 'down', pending: 'pending' };

function StatusDot({ tone }: { tone: Tone }) {
  return <span className={`dot dot-${tone}`} aria-hidden="true" />;
}

export function SystemStatusCard(props: { initialStatus: SystemStatus | null; initialError: StatusError | null; loadedAt: number }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.system.status.queryOptions(undefined, {
      initialData: props.initialStatus ?? undefined,
      initialDataUpdatedAt: props.loadedAt,
      refetchInterval: REFRESH_MS,
      // Every poll is a retry already; a failure should show at once.
      retry: false,
    }),
  );
  const hydrated = useHydrated();
  const fetching = hydrated && query.isFetching;

  const status = query.data;
  const error: StatusError | null = query.error
    ? {
        code: query.error.data?.appCode ?? query.error.data?.code ?? 'NETWORK',
        message: query.error.data ? query.error.message : `The console did not answer (${query.error.message}).`,
      }
    : status
      ? null
      : props.initialError;

  const health: Health = !status
    ? error
      ? 'unavailable'
      : 'pending'
    : !status.database.reachable
      ? 'degraded'
      : error
        ? 'stale'
        : 'ok';
  const db = status?.database;

  return (
    <section className="card status-card" data-testid="system-status" data-health={health} aria-labelledby="system-status-title">
      <header className="card-header">
        <div className="card-heading">
          <h2 id="system-status-title">System status</h2>
          <p className="card-subtitle">
            Refreshes every {REFRESH_MS / 1000} s
            {hydrated && query.dataUpdatedAt > 0 ? (
              <span data-testid="system-status-updated"> · updated {new Date(query.dataUpdatedAt).toLocaleTimeString()}</span>
            ) : null}
          </p>
        </div>
        <div className="card-actions">
          <span className={`pill pill-${TONE_OF[health]}`} role="status" data-testid="system-health">
            <StatusDot tone={TONE_OF[health]} />
            {HEALTH_LABEL[health]}
          </span>
          <button
            type="button"
            className="button"
            onClick={() => void query.refetch()}
            disabled={fetching}
            data-testid="system-status-refresh"
          >
            <svg
              className={fetching ? 'button-icon is-spinning' : 'button-icon'}
              viewBox="0 0 24 24"
              width="14"
              height="14"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
              aria-hidden="true"
              focusable="false"
            >
              <path d="M20 12a8 8 0 1 1-2.3-5.6M20 4v4.5h-4.5" />
            </svg>
            {fetching ? 'Refreshing' : 'Refresh'}
          </button>
        </div>
      </header>

      {error ? (
        <div className="alert alert-error" role="alert" data-testid="system-status-error">
          <div className="alert-title">
            {status ? 'The last refresh failed — showing the previous values.' : 'System status is unavailable.'}
            <code className="alert-code">{error.code}</code>
          </div>
          <p className="alert-message">{error.message}</p>
        </div>
      ) : null}
      {db && !db.reachable ? (
        <div className="alert alert-error" role="alert" data-testid="db-unreachable">
          <div className="alert-title">The database is not reachable.</div>
          <p className="alert-message">
            Vigil cannot read or store data until database <code>{db.name}</code> answers again. Check the database service
            {db.embedded ? ' (vigil db status)' : ' and MONGODB_URI'}.
          </p>
        </div>
      ) : null}

      <div className="status-sections">
        <section className="status-section" aria-labelledby="status-console">
          <h3 id="status-console">Console</h3>
          <div className="hero">
            <span className="hero-value" data-testid="system-uptime">
              {status ? formatUptime(status.uptimeSeconds) : '—'}
            </span>
            <span className="hero-caption">uptime</span>
          </div>
          <dl className="kv">
            <Row label="Version" testId="system-version">
              {status ? status.version : '—'}
            </Row>
            <Row label="Started" testId="system-started">
              {status ? formatUtc(status.startedAt) : '—'}
            </Row>
            <Row label="Node.js" testId="system-node">
              {status ? status.nodeVersion : '—'}
            </Row>
          </dl>
        </section>

        <section className="status-section" aria-labelledby="status-database">
          <h3 id="status-database">Database</h3>
          <div className="hero">
            <span className="hero-value with-dot">
              <StatusDot tone={!db ? 'pending' : db.reachable ? 'ok' : 'down'} />
              <span data-testid="db-reachable">{!db ? '—' : db.reachable ? 'Reachable' : 'Unreachable'}</span>
            </span>
            <span className="hero-caption">
              latency <span data-testid="db-latency">{db ? formatLatency(db.latencyMs) : '—'}</span>
            </span>
          </div>
          <dl className="kv">
            <Row label="Engine" testId="db-backend">
              {db ? formatDatabase(db) : '—'}
            </Row>
            <Row label="Database" testId="db-name">
              {db ? db.name : '—'}
            </Row>
          </dl>
        </section>

        <section className="status-section" aria-labelledby="status-encryption">
          <h3 id="status-encryption">Encryption</h3>
          <div className="hero">
            <span className="hero-value" data-testid="enc-data-keys">
              {/* Keys live in the database: unknown while it does not answer. */}
              {status && status.database.reachable ? status.encryption.dataKeys.toLocaleString('en-US') : '—'}
            </span>
            <span className="hero-caption">{status?.encryption.dataKeys === 1 ? 'data key' : 'data keys'}</span>
          </div>
          <dl className="kv">
            <Row label="Master key" testId="enc-master-key">
              {status ? formatMasterKey(status.encryption.masterKey) : '—'}
            </Row>
            <Row label="Mode" testId="enc-mode">
              Field-level, client-side
            </Row>
          </dl>
        </section>
      </div>
    </section>
  );
}
