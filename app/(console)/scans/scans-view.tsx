'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Fragment, useState } from 'react';
import { Notice } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { formatDateTime, formatRelative } from '../../_components/ui/format';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { PROFILE_LABEL, RunStatusBadge } from './_components/scan-labels';
import { ScanCreateDialog } from './scan-create-dialog';
import { ActionsHeader } from '../../_components/ui/table';

type Scan = RouterOutputs['scans']['list']['items'][number];
type Credential = RouterOutputs['credentials']['list']['items'][number];

/** A running scan's last-run status changes on its own; a slow refresh keeps the list truthful. */
const REFRESH_MS = 10_000;

function RunLink({ run, now }: { run: NonNullable<Scan['lastRun']>; now: number }) {
  return (
    <Link href={`/scans/runs/${run.id}`} className="ui-nowrap" title={`Launched ${formatDateTime(run.createdAt)} by ${run.launchedBy}`} data-testid="scan-run-link">
      <RunStatusBadge status={run.status} testId="scan-run-status" /> <span className="ui-muted">{formatRelative(run.createdAt, now)}</span>
    </Link>
  );
}

/** The scan's last runs, read when its row is opened. */
function ScanHistory({ scanId, now }: { scanId: string; now: number }) {
  const trpc = useTRPC();
  const scan = useQuery(trpc.scans.get.queryOptions({ id: scanId }));
  if (scan.error) return <ErrorAlert error={toUiError(scan.error)} title="The run history could not be loaded." />;
  if (!scan.data) return <span className="ui-muted">Loading…</span>;
  if (scan.data.runs.length === 0) return <span className="ui-muted">Never launched.</span>;
  return (
    <table className="ui-table" data-testid="scan-history">
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Trigger</th>
          <th scope="col">Launched by</th>
          <th scope="col">Finished</th>
        </tr>
      </thead>
      <tbody>
        {scan.data.runs.map((run) => (
          <tr key={run.id} data-testid="scan-history-row">
            <td>
              <RunLink run={run} now={now} />
            </td>
            <td>{run.trigger}</td>
            <td>{run.launchedBy}</td>
            <td className="ui-nowrap">{formatDateTime(run.finishedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The scans of the caller's units: create, launch, follow a run. */
export function ScansView(props: { initialScans: Scan[]; credentials: Credential[]; canManage: boolean; now: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const scans = useQuery({ ...trpc.scans.list.queryOptions(), initialData: { items: props.initialScans }, initialDataUpdatedAt: props.now, refetchInterval: REFRESH_MS });
  const launch = useMutation(trpc.scans.launch.mutationOptions());
  const [creating, setCreating] = useState(false);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const items = scans.data?.items ?? [];
  const now = scans.dataUpdatedAt;
  const credentialNames = new Map(props.credentials.map((credential) => [credential.id, credential.name]));

  const onLaunch = (scan: Scan) => {
    setNotice(null);
    launch.mutate(
      { id: scan.id },
      {
        onSuccess: (run) => router.push(`/scans/runs/${run.id}`),
        onError: (cause) => setNotice({ ok: false, text: `${scan.name} was not launched: ${toUiError(cause).message}` }),
      },
    );
  };

  return (
    <div className="ui-page" data-testid="scans">
      <Notice notice={notice} testId="scans-notice" />
      <section className="card ui-card" aria-labelledby="scans-title" aria-busy={scans.isFetching} data-testid="scans-card">
        <header className="ui-card-header">
          <h2 id="scans-title">
            <span data-testid="scans-total">{items.length}</span> {items.length === 1 ? 'scan' : 'scans'}
          </h2>
          <p className="ui-card-note">Scans of your business units. A launched run is split into jobs that the scanner nodes lease.</p>
          {props.canManage ? (
            <button type="button" className="button ui-primary" onClick={() => setCreating(true)} data-testid="scan-create-open">
              New scan
            </button>
          ) : null}
        </header>
        {scans.error ? <ErrorAlert error={toUiError(scans.error)} title="The scans could not be refreshed." /> : null}
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="scans-table">
            <caption className="ui-sr-only">Scans with their latest run</caption>
            <thead>
              <tr>
                <th scope="col">Scan</th>
                <th scope="col">Targets</th>
                <th scope="col">Ports</th>
                <th scope="col">Profile</th>
                <th scope="col">Schedule</th>
                <th scope="col">Last run</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {items.map((scan) => (
                <Fragment key={scan.id}>
                  <tr data-testid="scan-row" data-name={scan.name}>
                    <th scope="row">
                      {scan.name}
                      <span className="ui-sub">
                        by {scan.createdBy}, {formatDateTime(scan.createdAt)}
                      </span>
                    </th>
                    <td className="ui-mono">
                      {scan.targets.join(', ')}
                      {scan.exclusions.length > 0 ? <span className="ui-sub">except {scan.exclusions.join(', ')}</span> : null}
                    </td>
                    <td className="ui-mono">{scan.ports}</td>
                    <td>
                      {PROFILE_LABEL[scan.profile] ?? scan.profile}
                      {scan.credentialId ? <span className="ui-sub">with {credentialNames.get(scan.credentialId) ?? 'a credential'}</span> : null}
                    </td>
                    <td className="ui-mono ui-nowrap">{scan.schedule ?? <span className="ui-muted">by hand</span>}</td>
                    <td>{scan.lastRun ? <RunLink run={scan.lastRun} now={now} /> : <span className="ui-muted">never</span>}</td>
                    <td className="ui-actions">
                      <button type="button" className="button ui-small-button" onClick={() => setExpanded(expanded === scan.id ? null : scan.id)} aria-expanded={expanded === scan.id} data-testid="scan-history-toggle">
                        {expanded === scan.id ? 'Hide runs' : 'Runs'}
                      </button>
                      {props.canManage ? (
                        <button
                          type="button"
                          className="button ui-small-button ui-primary"
                          onClick={() => onLaunch(scan)}
                          disabled={launch.isPending || scan.lastRun?.status === 'running'}
                          title={scan.lastRun?.status === 'running' ? 'A run of this scan is in progress' : 'Start a run now'}
                          data-testid="scan-launch"
                        >
                          Launch
                        </button>
                      ) : null}
                    </td>
                  </tr>
                  {expanded === scan.id ? (
                    <tr className="ui-detail-row">
                      <td colSpan={7}>
                        <ScanHistory scanId={scan.id} now={now} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
          {items.length === 0 ? (
            <div className="ui-empty" data-testid="scans-empty">
              <strong>No scan yet.</strong>
              <span>{props.canManage ? 'Create one: targets, ports and, for an authenticated inventory, a credential.' : 'Someone with the right to run scans creates them.'}</span>
            </div>
          ) : null}
        </div>
      </section>
      {creating ? (
        <ScanCreateDialog
          credentials={props.credentials}
          onClose={() => setCreating(false)}
          onCreated={(scan) => {
            setCreating(false);
            setNotice({ ok: true, text: `${scan.name} is created. Launch it when you are ready.` });
            void queryClient.invalidateQueries({ queryKey: trpc.scans.list.queryKey() });
          }}
        />
      ) : null}
    </div>
  );
}
