'use client';

import { useQuery } from '@tanstack/react-query';
import type { TokenRow } from '../../_components/tokens/token-table';
import { ReauthProvider } from '../../_components/reauth';
import { RoleBadge } from '../../_components/ui/badges';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { unitPaths, type UnitLike } from '../../_components/ui/units';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { MfaCard } from './mfa-card';
import { PasswordCard } from './password-card';
import { SessionsCard } from './sessions-card';
import { TokensCard } from './tokens-card';

type Me = RouterOutputs['auth']['me'];
type MfaStatus = RouterOutputs['mfa']['status'];
type SessionRow = RouterOutputs['sessions']['list']['items'][number];

/** Your own account: who you are, password, second factor, where you are signed in, your API tokens. */
export function AccountView(props: {
  me: Me;
  initialMfa: MfaStatus | null;
  initialSessions: SessionRow[];
  initialTokens: TokenRow[] | null;
  units: UnitLike[];
  errors: { code: string; message: string }[];
  now: number;
}) {
  const trpc = useTRPC();
  const { user } = props.me;
  const mfa = useQuery({ ...trpc.mfa.status.queryOptions(), initialData: props.initialMfa ?? undefined });
  const paths = unitPaths(props.units);
  const unitNames = new Map(props.units.map((unit) => [unit.id, unit.name]));
  const local = user.authSource === 'local';
  return (
    <ReauthProvider hasPassword={local} hasTotp={mfa.data?.enabled ?? user.mfaEnabled}>
      <div className="ui-page" data-testid="account">
        {props.errors.map((error) => (
          <ErrorAlert key={`${error.code}:${error.message}`} error={error} title="Part of your account could not be loaded." />
        ))}
        <section className="card ui-card" aria-labelledby="profile-title" data-testid="account-profile">
          <header className="ui-card-header">
            <h2 id="profile-title">{user.name || user.email}</h2>
            <RoleBadge role={user.role} testId="account-role" />
          </header>
          <div className="ui-card-body">
            <dl className="ui-facts">
              <dt>E-mail</dt>
              <dd data-testid="account-email">{user.email}</dd>
              <dt>Business unit</dt>
              <dd>{paths.get(user.businessUnitId) ?? user.businessUnitId}</dd>
              <dt>Signs in with</dt>
              <dd>{local ? 'E-mail and password' : 'Single sign-on (OpenID Connect)'}</dd>
              <dt>Permissions</dt>
              <dd className="ui-small ui-mono">{props.me.permissions.join(' · ')}</dd>
            </dl>
          </div>
        </section>
        <div className="ui-grid-2">
          {local ? <PasswordCard /> : null}
          <MfaCard status={mfa.data ?? null} refresh={() => mfa.refetch()} />
          {!local ? (
            <section className="card ui-card" aria-labelledby="password-title">
              <header className="ui-card-header">
                <h2 id="password-title">Password</h2>
              </header>
              <div className="ui-card-body">
                <p>Your password is managed by your organisation’s identity provider; Vigil stores none for you.</p>
              </div>
            </section>
          ) : null}
        </div>
        <SessionsCard initialSessions={props.initialSessions} now={props.now} />
        {props.initialTokens ? <TokensCard initialTokens={props.initialTokens} me={props.me} units={props.units} unitNames={unitNames} now={props.now} /> : null}
      </div>
    </ReauthProvider>
  );
}
