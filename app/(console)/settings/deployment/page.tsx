import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { load, wire } from '../../../_lib/server-caller';
import { DeploymentView } from './deployment-view';
import './deployment.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Deployment · Settings' };

export default async function DeploymentPage() {
  const status = await load('deployment status', (caller) => caller.deployment.status());
  if (status.error) return <ErrorAlert error={status.error} title="The deployment status could not be loaded." testId="deployment-error" />;
  return <DeploymentView initialNodes={wire(status.data.items)} now={Date.now()} />;
}
