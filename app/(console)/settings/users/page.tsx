import type { Metadata } from 'next';
import { currentUser, load, wire } from '../../../_lib/server-caller';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { UsersView } from './users-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Users · Settings' };

export default async function UsersPage() {
  const [me, users, units] = await Promise.all([
    currentUser(),
    load('users', (caller) => caller.users.list()),
    load('units', (caller) => caller.units.list()),
  ]);
  if (users.error) return <ErrorAlert error={users.error} title="The users could not be loaded." testId="users-error" />;
  const permissions = me.data?.permissions ?? [];
  return (
    <UsersView
      initialUsers={wire(users.data.items)}
      units={wire(units.data?.items ?? [])}
      me={{ id: me.data?.user.id ?? '', role: me.data?.user.role ?? 'auditor' }}
      canManage={permissions.includes('users:manage')}
      canManageSessions={permissions.includes('sessions:manage')}
      now={Date.now()}
    />
  );
}
