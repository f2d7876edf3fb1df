import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { currentUser } from '../../../_lib/server-caller';
import { ExceptionsView } from './exceptions-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Exceptions · Findings' };

export default async function ExceptionsPage() {
  const me = await currentUser();
  if (me.error) return <ErrorAlert error={me.error} title="The exceptions could not be loaded." testId="exceptions-error" />;
  const { permissions, user } = me.data;
  return <ExceptionsView powers={{ userId: user.id, canApprove: permissions.includes('findings:approve'), canTriage: permissions.includes('findings:triage') }} />;
}
