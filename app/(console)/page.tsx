import type { Metadata } from 'next';
import { load } from '../_lib/server-caller';
import { SystemStatusCard } from '../_dashboard/system-status-card';

export const dynamic = 'force-dynamic';

// The layout's title template applies to child segments only, and this page shares the root segment.
export const metadata: Metadata = { title: { absolute: 'Dashboard · Vigil' } };

export default async function DashboardPage() {
  const status = await load('system status', (caller) => caller.system.status());
  return (
    <div className="dashboard-grid">
      <SystemStatusCard initialStatus={status.data} initialError={status.error} loadedAt={Date.now()} />
    </div>
  );
}
