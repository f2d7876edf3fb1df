'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Badge } from '../../../../_components/ui/badges';
import { ConfirmDialog } from '../../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../../_components/ui/error-alert';
import { toUiError } from '../../../../_components/ui/errors';
import { formatCount, formatDateTime } from '../../../../_components/ui/format';
import { useTRPC } from '../../../../_trpc/client';
import type { RouterOutputs } from '../../../../_trpc/types';
import { PROFILE_LABEL, RunStatusBadge } from '../../_components/scan-labels';

type ScanRun = RouterOutputs['scans']['run'];
type ScannerNode = RouterOutputs['scanners']['list']['items'][number];
type Action = 'pause' | 'resume' | 'cancel';

/** While a run is in progress its page refreshes this often. */
const POLL_MS = 2_000;

const ACTION_LABEL: Record<Action, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel run' };

function Progress({ run }: { run: ScanRun }) {
  const { hostsDone, hostsTotal, jobs, resumedJobs } = run.progress;
  const percent = hostsTotal === 0 ? 100 : Math.min(100, Math.round((100 * hostsDone) / hostsTotal));
  const jobSummary = Object.entries(jobs)
    .map(([status, count]) => `${count} ${status}`)
    .join(' · ');
  return (
    <div className="ui-card-body" data-testid="run-progress">
      <div className="ui-progress-head">
        <strong>
          <span data-testid="run-hosts-done">{formatCount(hostsDone)}</span> of <span data-testid="run-hosts-total">{formatCount(hostsTotal)}</span> hosts done
        </strong>
        <span className="ui-muted">{percent}%</span>
        <span className="ui-muted ui-small">
          Jobs: {jobSummary || 'none'}
          {resumedJobs > 0 ? ` · ${resumedJobs} taken over by another node` : ''}
        </span>
      </div>
      <div className="ui-progress" role="progressbar" aria-label="Hosts scanned" aria-valuemin={0} aria-valuemax={hostsTotal} aria-valuenow={hostsDone}>
        <span style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** One run: live progress while it runs (polled), every host a node reported, pause / resume / cancel. */
export function RunView(props: { initialRun: ScanRun; nodes: ScannerNode[]; canControl: boolean; now: number }) {
  const trpc = useTRPC();
  const input = { id: props.initialRun.id };
  const run = useQuery({
    ...trpc.scans.run.queryOptions(input),
    initialData: props.initialRun,
    initialDataUpdatedAt: props.now,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });
  const control = useMutation(trpc.scans.control.mutationOptions({ onSuccess: () => void run.refetch() }));
  const [confirmCancel, setConfirmCancel] = useState(false);
  const data = run.data ?? props.initialRun;
  const nodeNames = new Map(props.nodes.map((node) => [node.id, node.name]));
  const act = (action: Action) => control.mutate({ ...input, action }, { onSuccess: () => setConfirmCancel(false) });
  const live = data.status === 'running' || data.status === 'paused';

  return (
    <div className="ui-page" data-testid="scan-run">
      <section className="card ui-card" aria-labelledby="run-title" aria-busy={run.isFetching} data-testid="run-summary" data-status={data.status}>
        <header className="ui-card-header">
          <h2 id="run-title">
            <Link href="/scans">{data.scanName}</Link>
          </h2>
          <RunStatusBadge status={data.status} testId="run-status" />
          <p className="ui-card-note">
            {PROFILE_LABEL[data.profile] ?? data.profile} · {data.trigger === 'schedule' ? 'launched by its schedule' : `launched by ${data.launchedBy}`} · {formatDateTime(data.createdAt)}
            {data.finishedAt ? ` · ended ${formatDateTime(data.finishedAt)}` : ''}
          </p>
          {props.canControl && live ? (
            <div className="ui-form-actions">
              {data.status === 'running' ? (
                <button type="button" className="button" onClick={() => act('pause')} disabled={control.isPending} data-testid="run-pause">
                  {ACTION_LABEL.pause}
                </button>
              ) : (
                <button type="button" className="button ui-primary" onClick={() => act('resume')} disabled={control.isPending} data-testid="run-resume">
                  {ACTION_LABEL.resume}
                </button>
              )}
              <button type="button" className="button ui-danger" onClick={() => setConfirmCancel(true)} disabled={control.isPending} data-testid="run-cancel">
                {ACTION_LABEL.cancel}
              </button>
            </div>
          ) : null}
        </header>
        {run.error ? <ErrorAlert error={toUiError(run.error)} title="The run could not be refreshed." /> : null}
        {control.error && !confirmCancel ? <ErrorAlert error={toUiError(control.error)} title="The run was not changed." testId="run-control-error" /> : null}
        <Progress run={data} />
        {data.targetProblems.length > 0 ? (
          <div className="alert ui-alert-warn" role="status" data-testid="run-target-problems">
            <div className="alert-title">Some targets were left out</div>
            <ul>
              {data.targetProblems.map((problem) => (
                <li key={`${problem.target}:${problem.message}`}>
                  <code>{problem.target}</code>: {problem.message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <section className="card ui-card" aria-labelledby="run-hosts-title" data-testid="run-hosts">
        <header className="ui-card-header">
          <h2 id="run-hosts-title">Hosts</h2>
          <p className="ui-card-note">Each host as a node reported it. Reachable hosts become assets; their services and findings are on the asset’s page.</p>
        </header>
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="run-hosts-table">
            <caption className="ui-sr-only">Hosts of this run</caption>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Reachable</th>
                <th scope="col" className="ui-num">
                  Open ports
                </th>
                <th scope="col">Scanned by</th>
                <th scope="col">Problems</th>
                <th scope="col">Reported</th>
                <th scope="col" className="ui-actions">
                  <span className="ui-sr-only">Asset</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.hosts.map((host) => (
                <tr key={host.address} data-testid="run-host-row" data-address={host.address}>
                  <th scope="row" className="ui-mono">
                    {host.address}
                  </th>
                  <td>{host.reachable ? <Badge tone="ok">up</Badge> : <Badge>no answer</Badge>}</td>
                  <td className="ui-num" data-testid="run-host-ports">
                    {host.openPorts}
                  </td>
                  <td>
                    {nodeNames.get(host.nodeId) ?? <span className="ui-mono">{host.nodeId}</span>}
                  </td>
                  <td>
                    {host.problems.length === 0 ? (
                      <span className="ui-muted">—</span>
                    ) : (
                      host.problems.map((problem) => (
                        <span key={`${problem.stage}:${problem.message}`} className="ui-line">
                          <Badge tone="warn">{problem.stage}</Badge> {problem.message}
                        </span>
                      ))
                    )}
                  </td>
                  <td className="ui-nowrap">{formatDateTime(host.receivedAt, { seconds: true })}</td>
                  <td className="ui-actions">
                    {host.assetId ? (
                      <Link href={`/assets/${host.assetId}`} className="button ui-small-button" data-testid="run-host-asset">
                        Open asset
                      </Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.hosts.length === 0 ? (
            <div className="ui-empty" data-testid="run-hosts-empty">
              <strong>No host reported yet.</strong>
              <span>{live ? 'A scanner node leases the run’s jobs at its next poll; hosts appear here as they finish.' : 'This run ended before any host was reported.'}</span>
            </div>
          ) : null}
        </div>
      </section>

      {confirmCancel ? (
        <ConfirmDialog
          title={`Cancel this run of ${data.scanName}?`}
          description="Nodes stop at their next heartbeat. Hosts already reported stay stored; a cancelled run cannot be resumed."
          confirmLabel="Cancel run"
          pendingLabel="Cancelling…"
          pending={control.isPending}
          error={control.error}
          errorTitle="The run was not cancelled."
          onConfirm={() => act('cancel')}
          onClose={() => {
            setConfirmCancel(false);
            control.reset();
          }}
          testId="run-cancel-dialog"
        />
      ) : null}
    </div>
  );
}
