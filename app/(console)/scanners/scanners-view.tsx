'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ReauthProvider } from '../../_components/reauth';
import { Badge } from '../../_components/ui/badges';
import { ConfirmDialog, Notice } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { formatDateTime, formatRelative } from '../../_components/ui/format';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { EnrolmentTokenDialog } from './enrolment-token-dialog';
import { ActionsHeader } from '../../_components/ui/table';

type ScannerNode = RouterOutputs['scanners']['list']['items'][number];
type NodeStatus = 'active' | 'disabled' | 'revoked';

/** Heartbeats come every 10 s; refreshing at half that keeps "online" honest without hammering the console. */
const REFRESH_MS = 5_000;

const CHANGES: Record<NodeStatus, { verb: string; description: string; tone: 'danger' | 'primary'; done: string }> = {
  active: { verb: 'Enable', description: 'The node gets work again from its next heartbeat.', tone: 'primary', done: 'enabled' },
  disabled: { verb: 'Disable', description: 'The node gets no more work; jobs it holds go back to the queue and another node resumes them. You can enable it again.', tone: 'danger', done: 'disabled' },
  revoked: { verb: 'Revoke', description: 'The node is refused from now on, for good: its identity is dead. Jobs it holds go back to the queue. To use the host again, enrol it with a new token.', tone: 'danger', done: 'revoked' },
};

function StatusBadge({ node }: { node: ScannerNode }) {
  if (node.status === 'revoked') return <Badge tone="danger">Revoked</Badge>;
  if (node.status === 'disabled') return <Badge tone="warn">Disabled</Badge>;
  return <Badge tone="ok">Active</Badge>;
}

function OnlineCell({ node }: { node: ScannerNode }) {
  // A disabled or revoked node gets no work, so whether it still calls in says nothing; only an active one can be offline.
  if (node.status !== 'active') return <span className="ui-muted" data-testid="scanner-online" data-online="false">not in service</span>;
  return (
    <span className="with-dot" data-testid="scanner-online" data-online={node.online}>
      <span className={node.online ? 'dot dot-ok' : 'dot dot-down'} aria-hidden="true" />
      {node.online ? 'Online' : 'Offline'}
    </span>
  );
}

/** Enrolled scanner nodes, refreshed while the page is open; admins enrol, disable, enable and revoke them. */
export function ScannersView(props: { initialNodes: ScannerNode[]; canManage: boolean; reauth: { hasPassword: boolean; hasTotp: boolean }; now: number }) {
  const trpc = useTRPC();
  const nodes = useQuery({ ...trpc.scanners.list.queryOptions(), initialData: { items: props.initialNodes }, initialDataUpdatedAt: props.now, refetchInterval: REFRESH_MS });
  const setStatus = useMutation(trpc.scanners.setStatus.mutationOptions());
  const [tokenOpen, setTokenOpen] = useState(false);
  const [change, setChange] = useState<{ node: ScannerNode; status: NodeStatus } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = nodes.data?.items ?? [];
  const now = nodes.dataUpdatedAt;
  const refresh = () => void nodes.refetch();

  const confirm = () => {
    if (!change) return;
    setStatus.mutate(
      { id: change.node.id, status: change.status },
      {
        onSuccess: () => {
          setNotice(`${change.node.name} is ${CHANGES[change.status].done}.`);
          setChange(null);
          refresh();
        },
      },
    );
  };

  return (
    <ReauthProvider hasPassword={props.reauth.hasPassword} hasTotp={props.reauth.hasTotp}>
      <div className="ui-page" data-testid="scanners">
        <Notice notice={notice} testId="scanners-notice" />
        <section className="card ui-card" aria-labelledby="scanners-title" aria-busy={nodes.isFetching} data-testid="scanners-card">
          <header className="ui-card-header">
            <h2 id="scanners-title">
              <span data-testid="scanners-total">{items.length}</span> {items.length === 1 ? 'scanner node' : 'scanner nodes'}
            </h2>
            <p className="ui-card-note">Nodes connect out to this console, sign every request, and lease scan jobs. They serve every business unit.</p>
            {props.canManage ? (
              <button type="button" className="button ui-primary" onClick={() => setTokenOpen(true)} data-testid="scanner-token-open">
                New enrolment token
              </button>
            ) : null}
          </header>
          {nodes.error ? <ErrorAlert error={toUiError(nodes.error)} title="The scanner nodes could not be refreshed." /> : null}
          <div className="ui-table-wrap">
            <table className="ui-table" data-testid="scanners-table">
              <caption className="ui-sr-only">Enrolled scanner nodes</caption>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Status</th>
                  <th scope="col">Connection</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Version</th>
                  <th scope="col" className="ui-num">
                    Running jobs
                  </th>
                  <th scope="col">Enrolled</th>
                  {props.canManage ? (
                    <ActionsHeader />
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {items.map((node) => (
                  <tr key={node.id} className={node.status === 'revoked' ? 'is-muted' : undefined} data-testid="scanner-row" data-node-id={node.id} data-name={node.name} data-status={node.status}>
                    <th scope="row">
                      {node.name}
                      <span className="ui-sub ui-mono">{node.id}</span>
                    </th>
                    <td data-testid="scanner-status">
                      <StatusBadge node={node} />
                    </td>
                    <td>
                      <OnlineCell node={node} />
                    </td>
                    <td className="ui-nowrap" title={formatDateTime(node.lastHeartbeatAt, { seconds: true })} data-testid="scanner-heartbeat">
                      {node.lastHeartbeatAt ? formatRelative(node.lastHeartbeatAt, now) : <span className="ui-muted">never</span>}
                    </td>
                    <td className="ui-mono">{node.version || '—'}</td>
                    <td className="ui-num" data-testid="scanner-jobs" title={node.load ? `${node.load.running} of ${node.load.capacity} job slots busy; load average ${node.load.loadAverage.toFixed(2)}` : undefined}>
                      {node.leasedJobs}
                      {node.load ? <span className="ui-sub">of {node.load.capacity}</span> : null}
                    </td>
                    <td className="ui-nowrap">{formatDateTime(node.enrolledAt)}</td>
                    {props.canManage ? (
                      <td className="ui-actions">
                        {node.status === 'active' ? (
                          <button type="button" className="button ui-small-button" onClick={() => setChange({ node, status: 'disabled' })} data-testid="scanner-disable">
                            Disable
                          </button>
                        ) : null}
                        {node.status === 'disabled' ? (
                          <button type="button" className="button ui-small-button" onClick={() => setChange({ node, status: 'active' })} data-testid="scanner-enable">
                            Enable
                          </button>
                        ) : null}
                        {node.status !== 'revoked' ? (
                          <button type="button" className="button ui-small-button ui-danger" onClick={() => setChange({ node, status: 'revoked' })} data-testid="scanner-revoke">
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
            {items.length === 0 ? (
              <div className="ui-empty" data-testid="scanners-empty">
                <strong>No scanner node is enrolled.</strong>
                <span>{props.canManage ? 'Create an enrolment token and run the command it shows on the host that will scan.' : 'An administrator enrols scanner nodes.'}</span>
              </div>
            ) : null}
          </div>
        </section>
        {tokenOpen ? <EnrolmentTokenDialog onClose={() => setTokenOpen(false)} onCreated={() => setNotice(null)} /> : null}
        {change ? (
          <ConfirmDialog
            title={`${CHANGES[change.status].verb} ${change.node.name}?`}
            description={CHANGES[change.status].description}
            confirmLabel={CHANGES[change.status].verb}
            pendingLabel="Saving…"
            pending={setStatus.isPending}
            error={setStatus.error}
            errorTitle="The node was not changed."
            tone={CHANGES[change.status].tone}
            onConfirm={confirm}
            onClose={() => {
              setChange(null);
              setStatus.reset();
            }}
            testId="scanner-confirm"
          />
        ) : null}
      </div>
    </ReauthProvider>
  );
}
