'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { RoleBadge, Badge } from '../ui/badges';
import { ConfirmDialog } from '../ui/dialog-parts';
import { formatDateTime, formatDay, formatRelative, timeOf } from '../ui/format';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { ActionsHeader } from '../ui/table';

export type TokenRow = RouterOutputs['tokens']['list']['items'][number];

export function tokenState(token: TokenRow, now: number): 'active' | 'expired' | 'revoked' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && timeOf(token.expiresAt) <= now) return 'expired';
  return 'active';
}

function StateBadge({ token, now }: { token: TokenRow; now: number }) {
  const state = tokenState(token, now);
  if (state === 'revoked') return <Badge tone="danger" title={`Revoked ${formatDateTime(token.revokedAt)}`}>Revoked</Badge>;
  if (state === 'expired') return <Badge tone="warn">Expired</Badge>;
  return <Badge tone="ok">Active</Badge>;
}

/** API tokens with their metadata (never the token); active ones can be revoked after a confirmation. */
export function TokenTable(props: {
  tokens: TokenRow[];
  now: number;
  /** Owner e-mail per user id, for the administrators' view of everyone's tokens. */
  owners?: Map<string, string>;
  unitNames: Map<string, string>;
  onRevoked: (token: TokenRow) => void;
  testId: string;
}) {
  const [confirm, setConfirm] = useState<TokenRow | null>(null);
  return (
    <>
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid={props.testId}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              {props.owners ? <th scope="col">Owner</th> : null}
              <th scope="col">Role · units</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => {
              const state = tokenState(token, props.now);
              return (
                <tr key={token.id} className={state === 'active' ? undefined : 'is-muted'} data-testid="token-row" data-token={token.id} data-name={token.name} data-state={state}>
                  <th scope="row">
                    {token.name}
                    <span className="ui-sub ui-mono">{token.prefix}…</span>
                  </th>
                  {props.owners ? <td>{props.owners.get(token.userId) ?? <span className="ui-mono">{token.userId}</span>}</td> : null}
                  <td>
                    <RoleBadge role={token.role} />{' '}
                    {token.permissions ? (
                      <>
                        <span className="ui-small" data-testid="token-permissions">only {token.permissions.join(', ')}</span> ·{' '}
                      </>
                    ) : null}
                    <span className="ui-small">{token.businessUnitIds.map((id) => props.unitNames.get(id) ?? id).join(', ')}</span>
                  </td>
                  <td className="ui-nowrap ui-mono">{formatDay(token.createdAt)}</td>
                  <td className="ui-nowrap" title={formatDateTime(token.lastUsedAt)}>
                    {token.lastUsedAt ? formatRelative(token.lastUsedAt, props.now) : <span className="ui-muted">never</span>}
                  </td>
                  <td className="ui-nowrap ui-mono">{token.expiresAt ? formatDay(token.expiresAt) : <span className="ui-muted">never</span>}</td>
                  <td>
                    <StateBadge token={token} now={props.now} />
                  </td>
                  <td className="ui-actions">
                    {state === 'active' ? (
                      <button type="button" className="button ui-small-button ui-danger" onClick={() => setConfirm(token)} aria-label={`Revoke ${token.name}`} data-testid="token-revoke-open">
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {props.tokens.length === 0 ? (
          <div className="ui-empty" data-testid={`${props.testId}-empty`}>
            <strong>No API tokens.</strong>
          </div>
        ) : null}
      </div>
      {confirm ? (
        <RevokeDialog
          token={confirm}
          owner={props.owners?.get(confirm.userId)}
          onClose={() => setConfirm(null)}
          onRevoked={() => {
            setConfirm(null);
            props.onRevoked(confirm);
          }}
        />
      ) : null}
    </>
  );
}

function RevokeDialog(props: { token: TokenRow; owner?: string; onClose: () => void; onRevoked: () => void }) {
  const trpc = useTRPC();
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions());
  return (
    <ConfirmDialog
      title={`Revoke “${props.token.name}”?`}
      description={`${props.owner ? `${props.owner}’s token` : 'The token'} stops working at once; scripts using it get 401. This cannot be undone.`}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      pending={revoke.isPending}
      error={revoke.error}
      errorTitle="The token was not revoked."
      onConfirm={() => revoke.mutate({ id: props.token.id }, { onSuccess: props.onRevoked })}
      onClose={props.onClose}
      testId="token-revoke"
    >
      <p className="ui-mono">{props.token.prefix}…</p>
    </ConfirmDialog>
  );
}
