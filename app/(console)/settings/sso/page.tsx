import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../../_lib/server-caller';
import { SsoView } from './sso-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Single sign-on · Settings' };

export default async function SsoPage() {
  const [me, providers, units] = await Promise.all([currentUser(), load('sso providers', (caller) => caller.sso.list()), load('units', (caller) => caller.units.list())]);
  if (providers.error) return <ErrorAlert error={providers.error} title="The single sign-on providers could not be loaded." testId="sso-error" />;
  return <SsoView initialProviders={wire(providers.data.items)} units={wire(units.data?.items ?? [])} canManage={me.data?.permissions.includes('sso:manage') ?? false} />;
}
