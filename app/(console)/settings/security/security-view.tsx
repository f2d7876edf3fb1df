'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, ROLE_DESCRIPTIONS, type Role } from '../../../../server/auth/permissions';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError, type UiError } from '../../../_components/ui/errors';
import { formatDateTime } from '../../../_components/ui/format';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';

type Policy = RouterOutputs['settings']['getAuthPolicy'];
type Requirement = Policy['mfaRequired'];

const CHOICES: { value: Requirement; label: string; hint: string }[] = [
  { value: 'off', label: 'Optional', hint: 'Each user decides on their Account page.' },
  { value: 'all', label: 'Required for everyone', hint: 'Users without a second factor set it up at their next sign-in, before anything else.' },
  { value: 'roles', label: 'Required for some roles', hint: 'Only users of the chosen roles must set it up.' },
];

/** Who must sign in with a second factor (TOTP). Applies from each user's next sign-in. */
export function SecurityView({ initialPolicy }: { initialPolicy: Policy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.settings.setAuthPolicy.mutationOptions());
  const [policy, setPolicy] = useState(initialPolicy);
  const [requirement, setRequirement] = useState<Requirement>(initialPolicy.mfaRequired);
  const [roles, setRoles] = useState<Role[]>(initialPolicy.mfaRoles.length > 0 ? initialPolicy.mfaRoles : ['admin']);
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState(false);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    save.mutate(
      { mfaRequired: requirement, mfaRoles: requirement === 'roles' ? roles : [] },
      {
        onSuccess: (result) => {
          setPolicy(result);
          setSaved(true);
          void queryClient.invalidateQueries({ queryKey: trpc.settings.getAuthPolicy.queryKey() });
        },
        onError: (cause) => setError(toUiError(cause)),
      },
    );
  };
  return (
    <section className="card ui-card" aria-labelledby="mfa-policy-title" data-testid="security">
      <header className="ui-card-header">
        <h2 id="mfa-policy-title">Two-factor sign-in policy</h2>
        <p className="ui-card-note">{policy.updatedAt ? `Last changed ${formatDateTime(policy.updatedAt)}` : 'Never changed'}</p>
      </header>
      <form className="ui-card-body ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title="The policy was not saved." testId="security-error" />
        {saved ? (
          <div className="alert ui-alert-ok" role="status" data-testid="security-saved">
            Saved. It applies from each user’s next sign-in; single sign-on users only where the provider applies Vigil’s MFA policy.
          </div>
        ) : null}
        <fieldset className="ui-fieldset">
          <legend>Second factor (authenticator app)</legend>
          {CHOICES.map((choice) => (
            <label key={choice.value} className="ui-check ui-check-top">
              <input type="radio" name="mfaRequired" value={choice.value} checked={requirement === choice.value} onChange={() => setRequirement(choice.value)} data-testid={`mfa-policy-${choice.value}`} />
              <span>
                <strong>{choice.label}</strong>
                <span className="ui-sub">{choice.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {requirement === 'roles' ? (
          <fieldset className="ui-fieldset" data-testid="mfa-policy-role-list">
            <legend>Roles that must use it</legend>
            {ROLES.map((role) => (
              <label key={role} className="ui-check ui-check-top">
                <input
                  type="checkbox"
                  checked={roles.includes(role)}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    setRoles((current) => (checked ? ROLES.filter((r) => r === role || current.includes(r)) : current.filter((r) => r !== role)));
                  }}
                  data-testid={`mfa-policy-role-${role}`}
                />
                <span>
                  <strong>{role}</strong>
                  <span className="ui-sub">{ROLE_DESCRIPTIONS[role]}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : null}
        <div className="ui-form-actions">
          <button type="submit" className="button ui-primary" disabled={save.isPending || (requirement === 'roles' && roles.length === 0)} data-testid="security-save">
            {save.isPending ? 'Saving…' : 'Save policy'}
          </button>
        </div>
      </form>
    </section>
  );
}
