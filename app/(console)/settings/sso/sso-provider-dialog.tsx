'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../server/auth/permissions';
import { Dialog } from '../../../_components/ui/dialog';
import { FormActions } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { unitOptions, type UnitLike } from '../../../_components/ui/units';
import { useTRPC } from '../../../_trpc/client';
import type { SsoProvider } from './sso-view';

type TokenAuthMethod = SsoProvider['tokenAuthMethod'];
const TOKEN_AUTH_METHODS: { value: TokenAuthMethod; label: string }[] = [
  { value: 'client_secret_basic', label: 'client_secret_basic (HTTP Basic)' },
  { value: 'client_secret_post', label: 'client_secret_post (form field)' },
  { value: 'none', label: 'none (public client, PKCE only)' },
];

interface Mapping {
  key: number;
  group: string;
  role: Role;
  businessUnitId: string;
}

let mappingKeys = 0;

function FieldMessage({ error, field }: { error: UiError | null; field: string }) {
  const message = fieldError(error, field);
  return message ? <span className="ui-field-error">{message}</span> : null;
}

/** Adds or edits an OpenID Connect provider. The client secret is write-only: never shown, only replaced. */
export function SsoProviderDialog(props: { provider?: SsoProvider; units: UnitLike[]; origin: string; onClose: () => void; onSaved: (provider: SsoProvider) => void }) {
  const { provider } = props;
  const trpc = useTRPC();
  const create = useMutation(trpc.sso.create.mutationOptions());
  const update = useMutation(trpc.sso.update.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const [id, setId] = useState(provider?.id ?? '');
  const [removeSecret, setRemoveSecret] = useState(false);
  const topUnit = props.units[0]?.id ?? 'root';
  const [mappings, setMappings] = useState<Mapping[]>(() => (provider?.groupMappings ?? []).map((m) => ({ ...m, key: ++mappingKeys })));
  const options = unitOptions(props.units);

  const setMapping = (key: number, change: Partial<Mapping>) => setMappings((all) => all.map((m) => (m.key === key ? { ...m, ...change } : m)));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const secret = String(form.get('clientSecret') ?? '');
    const fields = {
      displayName: text('displayName'),
      issuer: text('issuer'),
      clientId: text('clientId'),
      tokenAuthMethod: text('tokenAuthMethod') as TokenAuthMethod,
      scopes: text('scopes').split(/[\s,]+/).filter(Boolean),
      groupClaim: text('groupClaim'),
      groupMappings: mappings.filter((m) => m.group.trim()).map((m) => ({ group: m.group.trim(), role: m.role, businessUnitId: m.businessUnitId })),
      defaultRole: text('defaultRole') ? (text('defaultRole') as Role) : null,
      defaultBusinessUnitId: text('defaultBusinessUnitId'),
      applyMfaPolicy: form.get('applyMfaPolicy') === 'on',
      enabled: form.get('enabled') === 'on',
    };
    setError(null);
    const onError = (cause: unknown) => setError(toUiError(cause));
    if (provider) {
      // Left empty, the stored secret stays; "remove" turns the provider into a public client.
      const clientSecret = removeSecret ? null : secret ? secret : undefined;
      update.mutate({ id: provider.id, ...fields, ...(clientSecret !== undefined ? { clientSecret } : {}) }, { onSuccess: props.onSaved, onError });
    } else {
      create.mutate({ id: text('id'), ...fields, ...(secret ? { clientSecret: secret } : {}) }, { onSuccess: props.onSaved, onError });
    }
  };
  const pending = create.isPending || update.isPending;
  const shownId = provider?.id ?? id.trim();
  const redirectPath = `/api/auth/oidc/${shownId ? encodeURIComponent(shownId) : '<id>'}/callback`;

  return (
    <Dialog
      title={provider ? `Edit “${provider.displayName}”` : 'Add a single sign-on provider'}
      description={
        <>
          Register this redirect URI at the identity provider: <code>{`${props.origin}${redirectPath}`}</code>
        </>
      }
      onClose={props.onClose}
      wide
      testId="sso-dialog"
    >
      <form className="ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title={provider ? 'The provider was not saved.' : 'The provider was not added.'} testId="sso-form-error" />
        <div className="ui-form-row ui-form-row-top">
          <div className="ui-field ui-field-grow">
            <label htmlFor="sso-display-name">Button label</label>
            <input id="sso-display-name" name="displayName" className="ui-input" defaultValue={provider?.displayName ?? ''} placeholder="Corporate SSO" required maxLength={80} data-testid="sso-display-name" />
            <FieldMessage error={error} field="displayName" />
          </div>
          <div className="ui-field ui-field-narrow">
            <label htmlFor="sso-id">Id</label>
            <input
              id="sso-id"
              name="id"
              className="ui-input ui-mono"
              value={id}
              onChange={(event) => setId(event.currentTarget.value)}
              disabled={Boolean(provider)}
              placeholder="keycloak"
              required
              maxLength={40}
              pattern="[a-z0-9][a-z0-9-]*"
              aria-describedby="sso-id-hint"
              data-testid="sso-id"
            />
            <span id="sso-id-hint" className="ui-hint">
              a–z, 0–9, “-”; in the redirect URI; fixed
            </span>
            <FieldMessage error={error} field="id" />
          </div>
        </div>
        <div className="ui-field">
          <label htmlFor="sso-issuer">Issuer URL</label>
          <input id="sso-issuer" name="issuer" className="ui-input ui-mono" defaultValue={provider?.issuer ?? ''} placeholder="https://idp.example.com/realms/acme" required data-testid="sso-issuer" />
          <span className="ui-hint">Exactly as the IdP’s discovery document (/.well-known/openid-configuration) spells it.</span>
          <FieldMessage error={error} field="issuer" />
        </div>
        <div className="ui-form-row ui-form-row-top">
          <div className="ui-field ui-field-grow">
            <label htmlFor="sso-client-id">Client id</label>
            <input id="sso-client-id" name="clientId" className="ui-input ui-mono" defaultValue={provider?.clientId ?? ''} required autoComplete="off" data-testid="sso-client-id" />
            <FieldMessage error={error} field="clientId" />
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="sso-client-secret">Client secret</label>
            <input
              id="sso-client-secret"
              name="clientSecret"
              type="password"
              className="ui-input"
              autoComplete="new-password"
              disabled={removeSecret}
              placeholder={provider?.hasClientSecret ? 'Stored — type to replace' : 'None (public client)'}
              data-testid="sso-client-secret"
            />
            <span className="ui-hint">Write-only: stored encrypted, never shown again.</span>
            {provider?.hasClientSecret ? (
              <label className="ui-check">
                <input type="checkbox" checked={removeSecret} onChange={(event) => setRemoveSecret(event.currentTarget.checked)} data-testid="sso-remove-secret" />
                Remove the stored secret
              </label>
            ) : null}
          </div>
        </div>
        <div className="ui-form-row">
          <div className="ui-field">
            <label htmlFor="sso-auth-method">Token endpoint authentication</label>
            <select id="sso-auth-method" name="tokenAuthMethod" className="ui-select" defaultValue={provider?.tokenAuthMethod ?? 'client_secret_basic'} data-testid="sso-auth-method">
              {TOKEN_AUTH_METHODS.map((method) => (
                <option key={method.value} value={method.value}>
                  {method.label}
                </option>
              ))}
            </select>
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="sso-scopes">Scopes</label>
            <input id="sso-scopes" name="scopes" className="ui-input ui-mono" defaultValue={(provider?.scopes ?? ['openid', 'email', 'profile']).join(' ')} data-testid="sso-scopes" />
          </div>
          <div className="ui-field">
            <label htmlFor="sso-group-claim">Group claim</label>
            <input id="sso-group-claim" name="groupClaim" className="ui-input ui-mono" defaultValue={provider?.groupClaim ?? 'groups'} data-testid="sso-group-claim" />
          </div>
        </div>

        <fieldset className="ui-fieldset">
          <legend>Group → role and unit (first match wins)</legend>
          {mappings.map((mapping, index) => (
            <div key={mapping.key} className="ui-mapping-row" data-testid="sso-mapping">
              <input className="ui-input ui-mono" aria-label={`Group ${index + 1}`} value={mapping.group} placeholder="vigil-admins" onChange={(event) => setMapping(mapping.key, { group: event.currentTarget.value })} data-testid="sso-mapping-group" />
              <select className="ui-select" aria-label={`Role of group ${index + 1}`} value={mapping.role} onChange={(event) => setMapping(mapping.key, { role: event.currentTarget.value as Role })} data-testid="sso-mapping-role">
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </select>
              <select className="ui-select" aria-label={`Business unit of group ${index + 1}`} value={mapping.businessUnitId} onChange={(event) => setMapping(mapping.key, { businessUnitId: event.currentTarget.value })} data-testid="sso-mapping-unit">
                {options.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.label}
                  </option>
                ))}
              </select>
              <button type="button" className="button ui-small-button" onClick={() => setMappings((all) => all.filter((m) => m.key !== mapping.key))} aria-label={`Remove group ${index + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <div>
            <button type="button" className="button ui-small-button" onClick={() => setMappings((all) => [...all, { key: ++mappingKeys, group: '', role: 'analyst', businessUnitId: topUnit }])} data-testid="sso-mapping-add">
              Add group
            </button>
          </div>
          <div className="ui-form-row">
            <div className="ui-field">
              <label htmlFor="sso-default-role">Users in no mapped group</label>
              <select id="sso-default-role" name="defaultRole" className="ui-select" defaultValue={provider?.defaultRole ?? ''} data-testid="sso-default-role">
                <option value="">are refused</option>
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    become {role}
                  </option>
                ))}
              </select>
            </div>
            <div className="ui-field">
              <label htmlFor="sso-default-unit">in unit</label>
              <select id="sso-default-unit" name="defaultBusinessUnitId" className="ui-select" defaultValue={provider?.defaultBusinessUnitId ?? topUnit} data-testid="sso-default-unit">
                {options.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </fieldset>

        <label className="ui-check">
          <input type="checkbox" name="applyMfaPolicy" defaultChecked={provider?.applyMfaPolicy ?? false} data-testid="sso-apply-mfa" />
          Apply Vigil’s MFA policy to these users too (leave off when the IdP enforces its own second factor)
        </label>
        <label className="ui-check">
          <input type="checkbox" name="enabled" defaultChecked={provider?.enabled ?? true} data-testid="sso-enabled" />
          Enabled — shown as “Sign in with …” on the sign-in page
        </label>
        <FormActions pending={pending} label={provider ? 'Save' : 'Add provider'} onCancel={props.onClose} testId="sso-submit" />
      </form>
    </Dialog>
  );
}
