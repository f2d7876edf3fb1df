'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, roleCovers } from '../../../server/auth/permissions';
import { isReauthCancelled, useRunSensitive } from '../../_components/reauth';
import { TokenTable, type TokenRow } from '../../_components/tokens/token-table';
import { Notice } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../_components/ui/errors';
import { SecretOnce } from '../../_components/ui/secret-once';
import { unitOptions, type UnitLike } from '../../_components/ui/units';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';

type Me = RouterOutputs['auth']['me'];

/** What a token may do: all its role allows, or only what one job needs (a GitOps node's reports). */
const RIGHTS = [
  { value: 'role', label: 'All the role allows', permissions: undefined },
  { value: 'deployment-report', label: 'Only deployment reports (GitOps node)', permissions: ['deployment:report' as const] },
] as const;

const LIFETIMES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '180', label: '180 days' },
  { value: '366', label: 'One year' },
  { value: 'never', label: 'Never expires' },
] as const;

/** A labelled select of fixed choices, named `name` in the form (id and test id `token-<name>`). */
function ChoiceField(props: { name: string; label: string; options: readonly { value: string; label: string }[]; defaultValue: string }) {
  const id = `token-${props.name}`;
  return (
    <div className="ui-field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} className="ui-select" defaultValue={props.defaultValue} data-testid={id}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Your API tokens: created here (shown once), listed with their last use, revoked at once. */
export function TokensCard(props: { initialTokens: TokenRow[]; me: Me; units: UnitLike[]; unitNames: Map<string, string>; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runSensitive = useRunSensitive();
  const tokens = useQuery({ ...trpc.tokens.list.queryOptions({ owner: 'me' }), initialData: { items: props.initialTokens } });
  const create = useMutation(trpc.tokens.create.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  // A token's units lie inside your own scope (your unit and those below it).
  const myUnits = props.units.filter((unit) => props.me.businessUnitIds.includes(unit.id));

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const lifetime = String(form.get('lifetime') ?? '90');
    const unit = String(form.get('unit') ?? '');
    const rights = RIGHTS.find((option) => option.value === form.get('rights')) ?? RIGHTS[0];
    setError(null);
    setNotice(null);
    try {
      const result = await runSensitive(() =>
        create.mutateAsync({
          name: String(form.get('name') ?? '').trim(),
          role: String(form.get('role')) as (typeof ROLES)[number],
          permissions: rights.permissions ? [...rights.permissions] : undefined,
          businessUnitIds: unit ? [unit] : undefined,
          expiresInDays: lifetime === 'never' ? null : Number(lifetime),
        }),
      );
      setCreated({ name: result.metadata.name, token: result.token });
      formElement.reset();
      void invalidate();
    } catch (cause) {
      if (!isReauthCancelled(cause)) setError(toUiError(cause));
    }
  };

  return (
    <section className="card ui-card" aria-labelledby="tokens-title" data-testid="tokens-card">
      <header className="ui-card-header">
        <h2 id="tokens-title">API tokens</h2>
        <p className="ui-card-note">
          For scripts and the REST API (<code>Authorization: Bearer …</code>). A token acts as you, narrowed to the role and unit you choose.
        </p>
      </header>
      <div className="ui-card-body">
        {created ? (
          <SecretOnce message={`“${created.name}” is created. Copy the token now: it is not shown again.`} value={created.token} onDone={() => setCreated(null)} testId="token-created" valueTestId="token-value" />
        ) : null}
        <Notice notice={notice} testId="tokens-notice" />
        <form className="ui-form" onSubmit={onSubmit} aria-label="Create an API token" noValidate data-testid="token-create-form">
          <ErrorAlert error={error} title="The token was not created." testId="token-create-error" />
          <div className="ui-form-row">
            <div className="ui-field ui-field-grow">
              <label htmlFor="token-name">Name</label>
              <input id="token-name" name="name" className="ui-input" placeholder="e.g. nightly export script" maxLength={100} required autoComplete="off" data-testid="token-name" />
              {fieldError(error, 'name') ? <span className="ui-field-error">{fieldError(error, 'name')}</span> : null}
            </div>
            <div className="ui-field">
              <label htmlFor="token-role">Role</label>
              <select id="token-role" name="role" className="ui-select" defaultValue={props.me.user.role} data-testid="token-role">
                {ROLES.filter((role) => roleCovers(props.me.user.role, role)).map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </select>
            </div>
            <ChoiceField name="rights" label="Rights" options={RIGHTS} defaultValue="role" />
            {myUnits.length > 1 ? (
              <div className="ui-field">
                <label htmlFor="token-unit">Business unit</label>
                <select id="token-unit" name="unit" className="ui-select" defaultValue="" data-testid="token-unit">
                  <option value="">My unit (and below)</option>
                  {unitOptions(myUnits).map((option) => (
                    <option key={option.id} value={option.id}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <ChoiceField name="lifetime" label="Expires after" options={LIFETIMES} defaultValue="90" />
            <div className="ui-form-actions">
              <button type="submit" className="button ui-primary" disabled={create.isPending} data-testid="token-create-submit">
                {create.isPending ? 'Creating…' : 'Create token'}
              </button>
            </div>
          </div>
        </form>
      </div>
      <TokenTable
        tokens={tokens.data?.items ?? []}
        now={props.now}
        unitNames={props.unitNames}
        testId="my-tokens-table"
        onRevoked={(token) => {
          setNotice(`“${token.name}” is revoked.`);
          void invalidate();
        }}
      />
    </section>
  );
}
