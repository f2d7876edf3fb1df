import type { Metadata } from 'next';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../_lib/server-caller';
import { ScansView } from './scans-view';
import '../../_components/ui.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Scans' };

export default async function ScansPage() {
  const me = await currentUser();
  if (me.error) return <ErrorAlert error={me.error} title="The scans could not be loaded." testId="scans-error" />;
  const { permissions } = me.data;
  const [scans, credentials] = await Promise.all([
    load('scans', (caller) => caller.scans.list()),
    permissions.includes('credentials:read') ? load('credentials', (caller) => caller.credentials.list()) : Promise.resolve(null),
  ]);
  if (scans.error) return <ErrorAlert error={scans.error} title="The scans could not be loaded." testId="scans-error" />;
  return (
    <ScansView
      initialScans={wire(scans.data.items)}
      credentials={wire(credentials?.data?.items ?? [])}
      canManage={permissions.includes('scans:manage')}
      now={Date.now()}
    />
  );
}
