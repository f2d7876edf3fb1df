import type { Metadata } from 'next';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../_lib/server-caller';
import { ScannersView } from './scanners-view';
import '../../_components/ui.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Scanners' };

export default async function ScannersPage() {
  const me = await currentUser();
  if (me.error) return <ErrorAlert error={me.error} title="The scanner nodes could not be loaded." testId="scanners-error" />;
  const nodes = await load('scanner nodes', (caller) => caller.scanners.list());
  if (nodes.error) return <ErrorAlert error={nodes.error} title="The scanner nodes could not be loaded." testId="scanners-error" />;
  const { user, permissions } = me.data;
  return (
    <ScannersView
      initialNodes={wire(nodes.data.items)}
      canManage={permissions.includes('scanners:manage')}
      reauth={{ hasPassword: user.authSource === 'local', hasTotp: user.mfaEnabled }}
      now={Date.now()}
    />
  );
}
