import type { Metadata } from 'next';
import { ErrorAlert } from '../_components/ui/error-alert';
import '../_components/ui.css';
import { load } from '../_lib/server-caller';
import { SystemStatusCard } from '../_dashboard/system-status-card';
// Severity colours are the KnowledgeBase's and the severity bar the findings list's; `kb` on the wrapper carries them.
import './kb/kb.css';
import './findings/findings.css';
import './_dashboard/dashboard.css';
import { FindingsOverview } from './_dashboard/findings-overview';

export const dynamic = 'force-dynamic';

// The layout's title template applies to child segments only, and this page shares the root segment.
export const metadata: Metadata = { title: { absolute: 'Dashboard · Vigil' } };

export default async function DashboardPage() {
  const [status, overview] = await Promise.all([load('system status', (caller) => caller.system.status()), load('dashboard', (caller) => caller.dashboard.overview())]);
  return (
    <div className="dashboard-grid kb" data-testid="dashboard">
      {overview.data ? <FindingsOverview overview={overview.data} /> : <ErrorAlert error={overview.error} title="The findings overview could not be loaded" testId="dashboard-error" />}
      <SystemStatusCard initialStatus={status.data} initialError={status.error} loadedAt={Date.now()} />
    </div>
  );
}
