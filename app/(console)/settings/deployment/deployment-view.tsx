'use client';

import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Badge } from '../../../_components/ui/badges';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError } from '../../../_components/ui/errors';
import { formatDateTime, formatRelative } from '../../../_components/ui/format';
import { LoadingNote } from '../../../_components/ui/hydration';
import { ActionsHeader } from '../../../_components/ui/table';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';

type DeploymentNode = RouterOutputs['deployment']['status']['items'][number];
type Run = DeploymentNode['recentRuns'][number];

/** Nodes report every 15 minutes by default; a minute is fresh enough for this page. */
const REFRESH_MS = 60_000;

const short = (sha: string | null) => (sha ? sha.slice(0, 10) : '—');

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

const RECONCILE: Record<string, { label: string; tone: 'ok' | 'warn' | 'danger' | undefined }> = {
  applied: { label: 'applied', tone: 'ok' },
  unchanged: { label: 'up to date', tone: 'ok' },
  refused: { label: 'refused', tone: 'danger' },
  failed: { label: 'failed', tone: 'danger' },
  // The head's run failed and the commit applied before it was applied again; then that head is held.
  'rolled-back': { label: 'failed, rolled back', tone: 'danger' },
  held: { label: 'held after rollback', tone: 'warn' },
};

const VERIFICATION: Record<string, { label: string; tone: 'ok' | 'danger'; title: string }> = {
  ok: { label: 'verified', tone: 'ok', title: 'The branch head is signed by an allowed signer.' },
  unsigned: { label: 'refused: unsigned', tone: 'danger', title: 'The branch head is not signed: it was not applied.' },
  untrusted: { label: 'refused: untrusted signer', tone: 'danger', title: 'The branch head is signed by a key that is not an allowed signer: it was not applied.' },
};

function DriftBadge({ drift, testId }: { drift: { state: string; changedTasks: number } | null; testId?: string }) {
  if (!drift) return <span className="ui-muted">not checked</span>;
  if (drift.state === 'none') return <Badge tone="ok" testId={testId}>in sync</Badge>;
  if (drift.state === 'error') return <Badge tone="warn" testId={testId}>check failed</Badge>;
  return (
    <Badge tone="danger" testId={testId}>
      drift: {drift.changedTasks} {drift.changedTasks === 1 ? 'task' : 'tasks'}
    </Badge>
  );
}

/** A unified diff with its added and removed lines coloured. */
function Diff({ text }: { text: string }) {
  return (
    <pre className="dp-diff" data-testid="deployment-task-diff">
      {text.split('\n').map((line, index) => {
        const added = line.startsWith('+') && !line.startsWith('+++');
        const removed = line.startsWith('-') && !line.startsWith('---');
        return (
          <Fragment key={index}>
            {added || removed ? <span className={added ? 'dp-diff-add' : 'dp-diff-remove'}>{line}</span> : line}
            {'\n'}
          </Fragment>
        );
      })}
    </pre>
  );
}

function RecentRuns({ runs, now }: { runs: Run[]; now: number }) {
  return (
    <table className="ui-table" data-testid="deployment-runs">
      <caption className="ui-sr-only">Recent runs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Finished</th>
          <th scope="col">Run</th>
          <th scope="col">Applied commit</th>
          <th scope="col">Reconciliation</th>
          <th scope="col">Drift</th>
          <th scope="col" className="ui-num">
            Took
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-testid="deployment-run">
            <td className="ui-nowrap ui-small" title={formatDateTime(run.finishedAt, { seconds: true })}>
              {formatRelative(run.finishedAt, now)}
            </td>
            <td>{run.kind}</td>
            <td className="ui-mono">{short(run.commit)}</td>
            <td>{run.reconcileResult ? <Badge tone={RECONCILE[run.reconcileResult]?.tone}>{RECONCILE[run.reconcileResult]?.label ?? run.reconcileResult}</Badge> : <span className="ui-muted">—</span>}</td>
            <td>{run.driftState ? <DriftBadge drift={{ state: run.driftState, changedTasks: run.changedTasks ?? 0 }} /> : <span className="ui-muted">—</span>}</td>
            <td className="ui-num ui-small">{duration(run.durationSeconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NodeDetails({ node, now }: { node: DeploymentNode; now: number }) {
  const { drift, reconcile } = node;
  return (
    <div className="dp-details">
      {drift && drift.state === 'drift' ? (
        <section aria-label={`Changed tasks on ${node.node}`}>
          <h3>
            Changed tasks against {short(drift.commit)} (checked {formatDateTime(drift.checkedAt)})
          </h3>
          <ul className="dp-tasks">
            {drift.tasks.map((task, index) => (
              <li key={index} data-testid="deployment-task">
                <strong>{task.task}</strong> <span className="ui-muted ui-small">{task.play}</span>
                {task.diff ? <Diff text={task.diff} /> : <span className="ui-sub">no diff (the task reports a change without one)</span>}
              </li>
            ))}
          </ul>
          {drift.truncated ? (
            <p className="ui-hint" data-testid="deployment-truncated">
              The node sent {drift.tasks.length} of {drift.changedTasks} changed tasks, cut to its 64 KiB report: <code>vigil-gitops drift</code> on the node shows all (<code>/var/lib/vigil-gitops/drift.txt</code>).
            </p>
          ) : null}
        </section>
      ) : null}
      {drift?.state === 'error' && drift.error ? (
        <section aria-label={`Drift check of ${node.node}`}>
          <h3>The drift check could not run</h3>
          <p className="dp-message">{drift.error}</p>
        </section>
      ) : null}
      {reconcile?.message ? (
        <section aria-label={`Last reconciliation of ${node.node}`}>
          <h3>
            Last reconciliation: {RECONCILE[reconcile.result]?.label ?? reconcile.result} {reconcile.commit ? `(${short(reconcile.commit)})` : ''}
          </h3>
          <p className="dp-message" data-testid="deployment-reconcile-message">
            {reconcile.message}
          </p>
        </section>
      ) : null}
      <section aria-label={`Recent runs of ${node.node}`}>
        <h3>
          Recent runs{' '}
          <span className="ui-muted ui-small">
            ({node.storedReports} {node.storedReports === 1 ? 'report' : 'reports'} kept)
          </span>
        </h3>
        <RecentRuns runs={node.recentRuns} now={now} />
      </section>
    </div>
  );
}

function NodeRow({ node, now, expanded, onToggle }: { node: DeploymentNode; now: number; expanded: boolean; onToggle: () => void }) {
  const { applied, reconcile, drift } = node;
  const verification = reconcile?.verification ? VERIFICATION[reconcile.verification] : undefined;
  return (
    <Fragment>
      <tr data-testid="deployment-row" data-node={node.node} data-stale={node.stale} data-drift={drift?.state ?? 'unknown'}>
        <th scope="row" className="ui-nowrap">
          <span className="ui-mono">{node.node}</span>
        </th>
        <td data-testid="deployment-commit">
          {applied ? (
            <>
              <span className="ui-mono" title={applied.sha}>
                {short(applied.sha)}
              </span>{' '}
              {applied.subject ?? ''}
              <span className="ui-sub">
                signed by {applied.signer ?? 'an allowed signer'}
                {applied.fingerprint ? <span className="ui-mono"> · {applied.fingerprint}</span> : null}
              </span>
            </>
          ) : (
            <span className="ui-muted">nothing applied yet</span>
          )}
        </td>
        <td>
          {verification ? (
            <Badge tone={verification.tone} title={verification.title} testId="deployment-verification">
              {verification.label}
            </Badge>
          ) : (
            <span className="ui-muted">—</span>
          )}
          {reconcile && reconcile.verification !== 'ok' && reconcile.commit ? <span className="ui-sub ui-mono">head {short(reconcile.commit)}</span> : null}
        </td>
        <td className="ui-nowrap">
          {reconcile ? (
            <>
              <Badge tone={RECONCILE[reconcile.result]?.tone} testId="deployment-reconcile">
                {RECONCILE[reconcile.result]?.label ?? reconcile.result}
              </Badge>
              <span className="ui-sub" title={formatDateTime(reconcile.at, { seconds: true })}>
                {formatRelative(reconcile.at, now)}
                {reconcile.changed !== null && reconcile.result !== 'unchanged' ? ` · ${reconcile.changed} changed` : ''}
              </span>
            </>
          ) : (
            <span className="ui-muted">none yet</span>
          )}
        </td>
        <td className="ui-nowrap">
          <DriftBadge drift={drift} testId="deployment-drift" />
          {drift ? <span className="ui-sub">{formatRelative(drift.checkedAt, now)}</span> : null}
        </td>
        <td className="ui-nowrap">
          <span title={formatDateTime(node.lastReportAt, { seconds: true })}>{formatRelative(node.lastReportAt, now)}</span>
          {node.stale ? (
            <Badge tone="warn" testId="deployment-stale" title={`No report for more than ${duration(node.staleAfterSeconds)} (two timer intervals).`}>
              stale
            </Badge>
          ) : null}
          <span className="ui-sub">{node.intervalSeconds ? `every ${duration(node.intervalSeconds)}` : 'interval not sent'}</span>
        </td>
        <td className="ui-actions">
          <button type="button" className="button ui-small-button" aria-expanded={expanded} onClick={onToggle} aria-label={`Details of ${node.node}`} data-testid="deployment-toggle">
            {expanded ? 'Hide' : drift?.state === 'drift' ? 'Changes' : 'Details'}
          </button>
        </td>
      </tr>
      {expanded ? (
        <tr className="ui-detail-row" data-testid="deployment-details" data-node={node.node}>
          <td colSpan={7}>
            <NodeDetails node={node} now={now} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** The appliances' GitOps reports: applied commit, verification, last reconciliation, drift; refreshed every minute. */
export function DeploymentView(props: { initialNodes: DeploymentNode[]; now: number }) {
  const trpc = useTRPC();
  const nodes = useQuery({ ...trpc.deployment.status.queryOptions(), initialData: { items: props.initialNodes }, initialDataUpdatedAt: props.now, refetchInterval: REFRESH_MS });
  const [open, setOpen] = useState<string | null>(null);
  const items = nodes.data?.items ?? [];
  const now = nodes.dataUpdatedAt;
  const drifted = items.filter((node) => node.drift?.state === 'drift').length;
  const stale = items.filter((node) => node.stale).length;
  return (
    <section className="card ui-card" aria-labelledby="deployment-title" data-testid="deployment">
      <header className="ui-card-header">
        <h2 id="deployment-title">
          <span data-testid="deployment-total">{items.length}</span> {items.length === 1 ? 'node' : 'nodes'}
          {drifted ? (
            <Badge tone="danger" testId="deployment-drifted-count">
              {drifted} drifted
            </Badge>
          ) : null}
          {stale ? (
            <Badge tone="warn" testId="deployment-stale-count">
              {stale} stale
            </Badge>
          ) : null}
          <LoadingNote fetching={nodes.isFetching} />
        </h2>
        <p className="ui-card-note">
          Each node running <code>vigil-gitops</code> reports after every reconciliation and drift check. A node is stale after two of its timer intervals without a report.
        </p>
      </header>
      {nodes.error ? <ErrorAlert error={toUiError(nodes.error)} title="The deployment status could not be refreshed." /> : null}
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="deployment-table">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Applied commit</th>
              <th scope="col">Branch head</th>
              <th scope="col">Last reconciliation</th>
              <th scope="col">Drift</th>
              <th scope="col">Last report</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((node) => (
              <NodeRow key={node.node} node={node} now={now} expanded={open === node.node} onToggle={() => setOpen(open === node.node ? null : node.node)} />
            ))}
          </tbody>
        </table>
        {items.length === 0 ? (
          <div className="ui-empty" data-testid="deployment-empty">
            <strong>No node has reported yet.</strong>
            <span>
              Set <code>vigil_gitops_report_url</code> and <code>vigil_gitops_report_token</code> (an API token holding <code>deployment:report</code>) for the nodes in <code>vigil_gitops</code>.
            </span>
          </div>
        ) : null}
      </div>
    </section>
  );
}
