'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Badge, RoleBadge } from '../../../_components/ui/badges';
import { CopyButton } from '../../../_components/ui/copy-button';
import { ConfirmDialog, Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError } from '../../../_components/ui/errors';
import { unitPaths, type UnitLike } from '../../../_components/ui/units';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { SsoProviderDialog } from './sso-provider-dialog';
import { ActionsHeader } from '../../../_components/ui/table';

export type SsoProvider = RouterOutputs['sso']['list']['items'][number];

type Open = { kind: 'create' } | { kind: 'edit'; provider: SsoProvider } | { kind: 'delete'; provider: SsoProvider } | null;

/** The redirect URI to register at the identity provider: this console's origin and the callback path. */
function useOrigin(): string {
  const [origin, setOrigin] = useState('');
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

export function SsoView(props: { initialProviders: SsoProvider[]; units: UnitLike[]; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const providers = useQuery({ ...trpc.sso.list.queryOptions(), initialData: { items: props.initialProviders } });
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const origin = useOrigin();
  const paths = unitPaths(props.units);
  const items = providers.data?.items ?? [];
  const done = (message: string) => {
    setOpen(null);
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: trpc.sso.list.queryKey() });
  };
  return (
    <>
      <Notice notice={notice} testId="sso-notice" />
      <section className="card ui-card" aria-labelledby="sso-title" data-testid="sso-providers">
        <header className="ui-card-header">
          <h2 id="sso-title">
            <span data-testid="sso-total">{items.length}</span> single sign-on {items.length === 1 ? 'provider' : 'providers'}
          </h2>
          <p className="ui-card-note">OpenID Connect with PKCE. Users are created at their first sign-in; their IdP groups decide role and unit.</p>
          {props.canManage ? (
            <div className="card-actions">
              <button type="button" className="button ui-primary" onClick={() => setOpen({ kind: 'create' })} data-testid="sso-create-open">
                Add provider
              </button>
            </div>
          ) : null}
        </header>
        {providers.error ? <ErrorAlert error={toUiError(providers.error)} title="The providers could not be refreshed." /> : null}
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="sso-table">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Issuer · client</th>
                <th scope="col">Redirect URI</th>
                <th scope="col">Access</th>
                <th scope="col">State</th>
                {props.canManage ? (
                  <ActionsHeader />
                ) : null}
              </tr>
            </thead>
            <tbody>
              {items.map((provider) => {
                const redirectUri = `${origin}${provider.redirectPath}`;
                return (
                  <tr key={provider.id} className={provider.enabled ? undefined : 'is-muted'} data-testid="sso-row" data-provider={provider.id}>
                    <th scope="row">
                      {provider.displayName}
                      <span className="ui-sub ui-mono">{provider.id}</span>
                    </th>
                    <td>
                      <span className="ui-mono ui-small">{provider.issuer}</span>
                      <span className="ui-sub">
                        client <span className="ui-mono">{provider.clientId}</span> · {provider.hasClientSecret ? 'secret set' : 'public client (no secret)'} · {provider.tokenAuthMethod}
                      </span>
                    </td>
                    <td>
                      <span className="ui-secret-value">
                        <code className="ui-small">{redirectUri}</code>
                        <CopyButton value={redirectUri} />
                      </span>
                    </td>
                    <td className="ui-small">
                      {provider.groupMappings.length === 0 ? <span className="ui-muted">no group mapping</span> : null}
                      {provider.groupMappings.map((mapping) => (
                        <span key={mapping.group} className="ui-line">
                          <span className="ui-mono">{mapping.group}</span> → <RoleBadge role={mapping.role} /> {paths.get(mapping.businessUnitId) ?? mapping.businessUnitId}
                        </span>
                      ))}
                      <span className="ui-sub">
                        others: {provider.defaultRole ? `${provider.defaultRole} in ${paths.get(provider.defaultBusinessUnitId) ?? provider.defaultBusinessUnitId}` : 'refused'}
                        {provider.applyMfaPolicy ? ' · MFA policy applies' : ''}
                      </span>
                    </td>
                    <td>{provider.enabled ? <Badge tone="ok">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
                    {props.canManage ? (
                      <td className="ui-actions">
                        <button type="button" className="button ui-small-button" onClick={() => setOpen({ kind: 'edit', provider })} aria-label={`Edit ${provider.displayName}`} data-testid="sso-edit-open">
                          Edit
                        </button>
                        <button type="button" className="button ui-small-button ui-danger" onClick={() => setOpen({ kind: 'delete', provider })} aria-label={`Delete ${provider.displayName}`} data-testid="sso-delete-open">
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {items.length === 0 ? (
            <div className="ui-empty" data-testid="sso-empty">
              <strong>No single sign-on provider.</strong>
              <span>Users sign in with e-mail and password. Add your identity provider (Keycloak, Entra ID, Okta, ADFS…) to offer “Sign in with …”.</span>
            </div>
          ) : null}
        </div>
      </section>
      {open?.kind === 'create' ? <SsoProviderDialog units={props.units} origin={origin} onClose={() => setOpen(null)} onSaved={(p) => done(`“${p.displayName}” is added.`)} /> : null}
      {open?.kind === 'edit' ? <SsoProviderDialog provider={open.provider} units={props.units} origin={origin} onClose={() => setOpen(null)} onSaved={(p) => done(`“${p.displayName}” is saved.`)} /> : null}
      {open?.kind === 'delete' ? <DeleteProviderDialog provider={open.provider} onClose={() => setOpen(null)} onDone={(users) => done(`“${open.provider.displayName}” is removed.${users > 0 ? ` Its ${users} user(s) cannot sign in until it is added again.` : ''}`)} /> : null}
    </>
  );
}

function DeleteProviderDialog(props: { provider: SsoProvider; onClose: () => void; onDone: (users: number) => void }) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.sso.delete.mutationOptions());
  return (
    <ConfirmDialog
      title={`Remove “${props.provider.displayName}”?`}
      description="Its users keep their accounts but cannot sign in until a provider with the same id exists again."
      confirmLabel="Remove provider"
      pendingLabel="Removing…"
      pending={remove.isPending}
      error={remove.error}
      errorTitle="The provider was not removed."
      onConfirm={() => remove.mutate({ id: props.provider.id }, { onSuccess: (result) => props.onDone(result.users) })}
      onClose={props.onClose}
      testId="sso-delete"
    >
      <p>The stored client secret is deleted with it.</p>
    </ConfirmDialog>
  );
}
