import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { load, wire } from '../../../_lib/server-caller';
import { SecurityView } from './security-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Security · Settings' };

export default async function SecurityPage() {
  const policy = await load('auth policy', (caller) => caller.settings.getAuthPolicy());
  if (policy.error) return <ErrorAlert error={policy.error} title="The security settings could not be loaded." testId="security-error" />;
  return <SecurityView initialPolicy={wire(policy.data)} />;
}
