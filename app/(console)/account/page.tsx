import type { Metadata } from 'next';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../_lib/server-caller';
import { AccountView } from './account-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const me = await currentUser();
  if (me.error) return <ErrorAlert error={me.error} title="Your account could not be loaded." />;
  const canTokens = me.data.permissions.includes('tokens:own');
  const [mfa, sessions, tokens, units] = await Promise.all([
    load('mfa status', (caller) => caller.mfa.status()),
    load('sessions', (caller) => caller.sessions.list()),
    canTokens ? load('tokens', (caller) => caller.tokens.list({ owner: 'me' })) : Promise.resolve(null),
    me.data.permissions.includes('units:read') ? load('units', (caller) => caller.units.list()) : Promise.resolve(null),
  ]);
  return (
    <AccountView
      me={wire(me.data)}
      initialMfa={mfa.data ? wire(mfa.data) : null}
      initialSessions={sessions.data ? wire(sessions.data.items) : []}
      initialTokens={tokens?.data ? wire(tokens.data.items) : null}
      units={wire(units?.data?.items ?? [])}
      errors={[mfa.error, sessions.error, tokens?.error ?? null].filter((error) => error !== null)}
      now={Date.now()}
    />
  );
}
