'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Role } from '../../../../server/auth/permissions';
import { Badge, RoleBadge } from '../../../_components/ui/badges';
import { Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError } from '../../../_components/ui/errors';
import { formatDateTime, formatRelative, timeOf } from '../../../_components/ui/format';
import { ActionsHeader, Pager, SortHeader, type SortDirection } from '../../../_components/ui/table';
import { unitPaths, type UnitLike } from '../../../_components/ui/units';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { CreateUserDialog, EditUserDialog, UserSessionsDialog } from './user-dialogs';
import { LoadingNote } from '../../../_components/ui/hydration';

export type UserRow = RouterOutputs['users']['list']['items'][number];

type SortBy = 'name' | 'role' | 'unit' | 'status' | 'lastLogin';
type Status = '' | 'active' | 'disabled' | 'locked';

function statusOf(user: UserRow): Exclude<Status, ''> {
  return user.disabled ? 'disabled' : user.locked ? 'locked' : 'active';
}

const ROLE_ORDER: Record<string, number> = { admin: 0, manager: 1, analyst: 2, remediation: 3, auditor: 4 };

function StatusBadge({ user }: { user: UserRow }) {
  const status = statusOf(user);
  if (status === 'disabled') return <Badge tone="danger">Disabled</Badge>;
  if (status === 'locked') return <Badge tone="warn" title="Temporarily locked after repeated failed sign-ins">Locked</Badge>;
  return <Badge tone="ok">Active</Badge>;
}

type Open = { kind: 'create' } | { kind: 'edit'; user: UserRow } | { kind: 'sessions'; user: UserRow } | null;

/** The users of the caller's units: filtered, sorted and paged here (the list is one call, scoped by the server). */
export function UsersView(props: {
  initialUsers: UserRow[];
  units: UnitLike[];
  me: { id: string; role: Role };
  canManage: boolean;
  canManageSessions: boolean;
  now: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery({ ...trpc.users.list.queryOptions(), initialData: { items: props.initialUsers } });
  const [text, setText] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState<Status>('');
  const [sort, setSort] = useState<{ by: SortBy; dir: SortDirection }>({ by: 'name', dir: 'asc' });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const paths = useMemo(() => unitPaths(props.units), [props.units]);

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const filtered = (users.data?.items ?? []).filter(
      (user) =>
        (!needle || user.email.toLowerCase().includes(needle) || user.name.toLowerCase().includes(needle)) &&
        (!role || user.role === role) &&
        (!status || statusOf(user) === status),
    );
    const key = (user: UserRow): string | number => {
      switch (sort.by) {
        case 'name':
          return (user.name || user.email).toLowerCase();
        case 'role':
          return ROLE_ORDER[user.role] ?? 9;
        case 'unit':
          return (paths.get(user.businessUnitId) ?? user.businessUnitId).toLowerCase();
        case 'status':
          return statusOf(user);
        case 'lastLogin':
          return timeOf(user.lastLoginAt);
      }
    };
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...filtered].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return (x < y ? -1 : x > y ? 1 : a.email.localeCompare(b.email)) * sign;
    });
  }, [users.data, text, role, status, sort, paths]);

  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages);
  const shown = rows.slice((current - 1) * pageSize, current * pageSize);
  const changed = (message: string) => {
    setOpen(null);
    setNotice({ ok: true, text: message });
    void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  };
  const onSort = (next: { by: SortBy; dir: SortDirection }) => {
    setSort(next);
    setPage(1);
  };

  return (
    <>
      <Notice notice={notice} testId="users-notice" />
      <form className="card ui-filters" role="search" aria-label="Filter users" onSubmit={(event) => event.preventDefault()} data-testid="users-filters">
        <div className="ui-field ui-field-grow">
          <label htmlFor="users-q">Search</label>
          <input
            id="users-q"
            type="search"
            className="ui-input"
            placeholder="Name or e-mail"
            value={text}
            onChange={(event) => {
              setText(event.currentTarget.value);
              setPage(1);
            }}
            data-testid="users-search"
          />
        </div>
        <div className="ui-field">
          <label htmlFor="users-role">Role</label>
          <select
            id="users-role"
            className="ui-select"
            value={role}
            onChange={(event) => {
              setRole(event.currentTarget.value);
              setPage(1);
            }}
            data-testid="users-role-filter"
          >
            <option value="">All roles</option>
            {Object.keys(ROLE_ORDER).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="ui-field">
          <label htmlFor="users-status">Status</label>
          <select
            id="users-status"
            className="ui-select"
            value={status}
            onChange={(event) => {
              setStatus(event.currentTarget.value as Status);
              setPage(1);
            }}
            data-testid="users-status-filter"
          >
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="locked">Locked</option>
            <option value="disabled">Disabled</option>
          </select>
        </div>
        {props.canManage ? (
          <div className="ui-form-actions">
            <button type="button" className="button ui-primary" onClick={() => setOpen({ kind: 'create' })} data-testid="user-create-open">
              New user
            </button>
          </div>
        ) : null}
      </form>

      <section className="card ui-card" aria-labelledby="users-title" aria-busy={users.isFetching} data-testid="users">
        <header className="ui-card-header">
          <h2 id="users-title">
            <span data-testid="users-total">{rows.length}</span> {rows.length === 1 ? 'user' : 'users'}
          </h2>
          <p className="ui-card-note">Accounts of your business units. Disabling, demoting or moving a user ends their sessions.</p>
          <LoadingNote fetching={users.isFetching} />
        </header>
        {users.error ? <ErrorAlert error={toUiError(users.error)} title="The users could not be refreshed." /> : null}
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="users-table">
            <caption className="ui-sr-only">Users; column headers with buttons sort the table.</caption>
            <thead>
              <tr>
                <SortHeader label="User" sort="name" current={sort} onSort={onSort} testIdPrefix="users" />
                <SortHeader label="Role" sort="role" current={sort} onSort={onSort} testIdPrefix="users" />
                <SortHeader label="Business unit" sort="unit" current={sort} onSort={onSort} testIdPrefix="users" />
                <th scope="col">Sign-in</th>
                <SortHeader label="Status" sort="status" current={sort} onSort={onSort} testIdPrefix="users" />
                <SortHeader label="Last sign-in" sort="lastLogin" current={sort} defaultDir="desc" onSort={onSort} testIdPrefix="users" />
                {props.canManage || props.canManageSessions ? (
                  <ActionsHeader />
                ) : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((user) => (
                <tr key={user.id} className={user.disabled ? 'is-muted' : undefined} data-testid="user-row" data-email={user.email}>
                  <th scope="row">
                    <span className="ui-nowrap">{user.name || user.email}</span>
                    {user.id === props.me.id ? <Badge tone="accent">you</Badge> : null}
                    {user.name ? <span className="ui-sub">{user.email}</span> : null}
                  </th>
                  <td>
                    <RoleBadge role={user.role} />
                  </td>
                  <td>{paths.get(user.businessUnitId) ?? <span className="ui-mono">{user.businessUnitId}</span>}</td>
                  <td className="ui-nowrap">
                    {user.authSource === 'oidc' ? 'Single sign-on' : 'Password'}
                    {user.mfaEnabled ? (
                      <Badge tone="ok" title="Second factor (TOTP) enrolled">
                        MFA
                      </Badge>
                    ) : null}
                  </td>
                  <td data-testid="user-status">
                    <StatusBadge user={user} />
                  </td>
                  <td className="ui-nowrap" title={formatDateTime(user.lastLoginAt)}>
                    {user.lastLoginAt ? formatRelative(user.lastLoginAt, props.now) : <span className="ui-muted">never</span>}
                  </td>
                  {props.canManage || props.canManageSessions ? (
                    <td className="ui-actions">
                      {props.canManage && user.locked ? (
                        <UnlockButton user={user} onDone={() => changed(`${user.email} is unlocked.`)} onError={(message) => setNotice({ ok: false, text: message })} />
                      ) : null}
                      {props.canManageSessions ? (
                        <button type="button" className="button ui-small-button" onClick={() => setOpen({ kind: 'sessions', user })} data-testid="user-sessions-open">
                          Sessions
                        </button>
                      ) : null}
                      {props.canManage ? (
                        <button type="button" className="button ui-small-button" onClick={() => setOpen({ kind: 'edit', user })} aria-label={`Edit ${user.email}`} data-testid="user-edit-open">
                          Edit
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 ? (
            <div className="ui-empty" data-testid="users-empty">
              <strong>No users match.</strong>
              <span>Clear the search or the filters.</span>
            </div>
          ) : null}
        </div>
        <Pager
          page={current}
          pageSize={pageSize}
          total={rows.length}
          onPage={setPage}
          onPageSize={(size) => {
            setPageSize(size);
            setPage(1);
          }}
          testIdPrefix="users"
        />
      </section>

      {open?.kind === 'create' ? <CreateUserDialog units={props.units} myRole={props.me.role} onClose={() => setOpen(null)} onCreated={(user) => changed(`${user.email} can now sign in.`)} /> : null}
      {open?.kind === 'edit' ? (
        <EditUserDialog user={open.user} units={props.units} myRole={props.me.role} isSelf={open.user.id === props.me.id} onClose={() => setOpen(null)} onSaved={(user) => changed(`${user.email} is updated.`)} />
      ) : null}
      {open?.kind === 'sessions' ? <UserSessionsDialog user={open.user} now={props.now} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

function UnlockButton({ user, onDone, onError }: { user: UserRow; onDone: () => void; onError: (message: string) => void }) {
  const trpc = useTRPC();
  const update = useMutation(trpc.users.update.mutationOptions());
  return (
    <button
      type="button"
      className="button ui-small-button"
      onClick={() => update.mutate({ id: user.id, unlock: true }, { onSuccess: onDone, onError: (error) => onError(toUiError(error).message) })}
      disabled={update.isPending}
      aria-label={`Unlock ${user.email}`}
      data-testid="user-unlock"
    >
      Unlock
    </button>
  );
}
