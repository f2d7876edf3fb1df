'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, ROLE_DESCRIPTIONS, roleCovers, type Role } from '../../../../server/auth/permissions';
import { Dialog } from '../../../_components/ui/dialog';
import { FormActions } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { describeUserAgent, formatDateTime, formatRelative } from '../../../_components/ui/format';
import { unitOptions, type UnitLike } from '../../../_components/ui/units';
import { useTRPC } from '../../../_trpc/client';
import type { UserRow } from './users-view';
import { ActionsHeader } from '../../../_components/ui/table';

function FieldError({ error, field, id }: { error: UiError | null; field: string; id: string }) {
  const message = fieldError(error, field);
  return message ? (
    <span id={id} className="ui-field-error">
      {message}
    </span>
  ) : null;
}

function RoleSelect({ id, myRole, defaultValue, disabled }: { id: string; myRole: Role; defaultValue: Role; disabled?: boolean }) {
  const [role, setRole] = useState<Role>(defaultValue);
  return (
    <div className="ui-field">
      <label htmlFor={id}>Role</label>
      <select id={id} name="role" className="ui-select" value={role} onChange={(event) => setRole(event.currentTarget.value as Role)} disabled={disabled} data-testid="user-role">
        {/* Nobody hands out more rights than their own role holds. */}
        {ROLES.filter((r) => roleCovers(myRole, r) || r === defaultValue).map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <span className="ui-hint">{ROLE_DESCRIPTIONS[role]}</span>
    </div>
  );
}

function UnitSelect({ id, units, defaultValue, disabled }: { id: string; units: readonly UnitLike[]; defaultValue: string; disabled?: boolean }) {
  return (
    <div className="ui-field">
      <label htmlFor={id}>Business unit</label>
      <select id={id} name="businessUnitId" className="ui-select" defaultValue={defaultValue} disabled={disabled} data-testid="user-unit">
        {unitOptions(units).map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
      <span className="ui-hint">The user sees the records of this unit and of the units below it.</span>
    </div>
  );
}

export function CreateUserDialog(props: { units: readonly UnitLike[]; myRole: Role; onClose: () => void; onCreated: (user: { email: string }) => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.users.create.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    create.mutate(
      {
        email: String(form.get('email') ?? ''),
        name: String(form.get('name') ?? ''),
        role: String(form.get('role')) as Role,
        businessUnitId: String(form.get('businessUnitId') ?? '') || undefined,
        password: String(form.get('password') ?? ''),
      },
      { onSuccess: (user) => props.onCreated(user), onError: (cause) => setError(toUiError(cause)) },
    );
  };
  return (
    <Dialog
      title="New user"
      description="A local account that signs in with e-mail and password. Single sign-on users are created on their first sign-in."
      onClose={props.onClose}
      testId="user-create-dialog"
    >
      <form className="ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title="The user was not created." testId="user-create-error" />
        <div className="ui-field">
          <label htmlFor="user-new-email">E-mail</label>
          <input id="user-new-email" name="email" type="email" className="ui-input" autoComplete="off" required autoFocus data-testid="user-email" aria-describedby="user-new-email-error" />
          <FieldError error={error} field="email" id="user-new-email-error" />
        </div>
        <div className="ui-field">
          <label htmlFor="user-new-name">Name</label>
          <input id="user-new-name" name="name" className="ui-input" autoComplete="off" data-testid="user-name" />
        </div>
        <div className="ui-form-row ui-form-row-top">
          <RoleSelect id="user-new-role" myRole={props.myRole} defaultValue="analyst" />
          <UnitSelect id="user-new-unit" units={props.units} defaultValue={props.units[0]?.id ?? ''} />
        </div>
        <div className="ui-field">
          <label htmlFor="user-new-password">Initial password</label>
          <input id="user-new-password" name="password" type="password" className="ui-input" autoComplete="new-password" required data-testid="user-password" aria-describedby="user-new-password-hint" />
          <span id="user-new-password-hint" className="ui-hint">
            At least 12 characters, not a common password, not containing the account name. Hand it over on a separate channel.
          </span>
        </div>
        <FormActions pending={create.isPending} label="Create user" pendingLabel="Creating…" onCancel={props.onClose} testId="user-create-submit" />
      </form>
    </Dialog>
  );
}

export function EditUserDialog(props: { user: UserRow; units: readonly UnitLike[]; myRole: Role; isSelf: boolean; onClose: () => void; onSaved: (user: { email: string }) => void }) {
  const { user } = props;
  const trpc = useTRPC();
  const update = useMutation(trpc.users.update.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // Only what changed: your own account may be renamed, but not re-roled or disabled by yourself.
    const changes: { name?: string; role?: Role; businessUnitId?: string; disabled?: boolean } = {};
    const name = String(form.get('name') ?? '').trim();
    if (name !== user.name) changes.name = name;
    if (!props.isSelf) {
      const role = String(form.get('role')) as Role;
      if (role !== user.role) changes.role = role;
      const unit = String(form.get('businessUnitId') ?? '');
      if (unit && unit !== user.businessUnitId) changes.businessUnitId = unit;
      const disabled = form.get('disabled') === 'on';
      if (disabled !== user.disabled) changes.disabled = disabled;
    }
    if (Object.keys(changes).length === 0) {
      props.onClose();
      return;
    }
    setError(null);
    update.mutate({ id: user.id, ...changes }, { onSuccess: (saved) => props.onSaved(saved), onError: (cause) => setError(toUiError(cause)) });
  };
  return (
    <Dialog title={`Edit ${user.email}`} description={user.authSource === 'oidc' ? 'Signs in through single sign-on.' : 'Local account.'} onClose={props.onClose} testId="user-edit-dialog">
      <form className="ui-form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={error} title="The user was not changed." testId="user-edit-error" />
        {props.isSelf ? <p className="ui-hint">This is your own account: another administrator changes its role, unit or state.</p> : null}
        <div className="ui-field">
          <label htmlFor="user-edit-name">Name</label>
          <input id="user-edit-name" name="name" className="ui-input" defaultValue={user.name} autoComplete="off" data-testid="user-name" />
        </div>
        <div className="ui-form-row ui-form-row-top">
          <RoleSelect id="user-edit-role" myRole={props.myRole} defaultValue={user.role} disabled={props.isSelf} />
          <UnitSelect id="user-edit-unit" units={props.units} defaultValue={user.businessUnitId} disabled={props.isSelf} />
        </div>
        <label className="ui-check">
          <input type="checkbox" name="disabled" defaultChecked={user.disabled} disabled={props.isSelf} data-testid="user-disabled" />
          Disabled — cannot sign in; their sessions and API tokens stop working
        </label>
        <p className="ui-hint">Changing the role or unit, or disabling the account, ends the user’s sessions.</p>
        <FormActions pending={update.isPending} label="Save" onCancel={props.onClose} testId="user-edit-submit" />
      </form>
    </Dialog>
  );
}

/** An administrator's view of one user's sessions, each of which can be ended. */
export function UserSessionsDialog(props: { user: UserRow; now: number; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = { userId: props.user.id };
  const sessions = useQuery(trpc.sessions.list.queryOptions(input));
  const end = useMutation(trpc.sessions.end.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey(input) }) }));
  const error = sessions.error ?? end.error;
  return (
    <Dialog
      title={`Sessions of ${props.user.email}`}
      description="Ending a session signs that browser out at its next request."
      onClose={props.onClose}
      wide
      testId="user-sessions-dialog"
      footer={
        <button type="button" className="button" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <ErrorAlert error={error ? toUiError(error) : null} title="The sessions could not be handled." />
      {sessions.data && sessions.data.items.length === 0 ? <p className="ui-muted">No active session.</p> : null}
      {sessions.data && sessions.data.items.length > 0 ? (
        <table className="ui-table" data-testid="user-sessions-table">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Address</th>
              <th scope="col">Last active</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {sessions.data.items.map((session) => (
              <tr key={session.id} data-testid="user-session-row">
                <td>
                  {describeUserAgent(session.userAgent)}
                  <span className="ui-sub">{session.authMethod === 'oidc' ? 'single sign-on' : 'password'} · since {formatDateTime(session.createdAt)}</span>
                </td>
                <td className="ui-mono">{session.ip ?? '—'}</td>
                <td title={formatDateTime(session.lastSeenAt)}>{formatRelative(session.lastSeenAt, props.now)}</td>
                <td className="ui-actions">
                  <button type="button" className="button ui-small-button ui-danger" onClick={() => end.mutate({ id: session.id })} disabled={end.isPending} data-testid="user-session-end">
                    End
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {sessions.isPending ? <p className="ui-muted">Loading…</p> : null}
    </Dialog>
  );
}
