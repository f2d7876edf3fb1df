import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { currentUser, load, wire } from '../../../_lib/server-caller';
import { FindingDetailView } from './finding-detail';

export const dynamic = 'force-dynamic';

/** One read per request, shared by the title and the page. `id` is the finding id in base64url (finding-ref.ts). */
const loadFinding = cache((ref: string) => load('finding', (caller) => caller.findings.get({ id: ref })));

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const finding = await loadFinding((await params).id);
  return { title: finding.data ? `${finding.data.vulnId} on ${finding.data.asset.name} · Findings` : 'Findings' };
}

export default async function FindingPage({ params }: { params: Promise<{ id: string }> }) {
  const [finding, me] = await Promise.all([loadFinding((await params).id), currentUser()]);
  if (finding.error) {
    // Another unit's finding reads as not found, like a reference that names nothing.
    if (finding.error.code === 'NOT_FOUND' || finding.error.code === 'BAD_INPUT') notFound();
    return <ErrorAlert error={finding.error} title="The finding could not be loaded." testId="finding-error" />;
  }
  const permissions = me.data?.permissions ?? [];
  return (
    <FindingDetailView
      initial={wire(finding.data)}
      powers={{ userId: me.data?.user.id ?? '', canApprove: permissions.includes('findings:approve'), canTriage: permissions.includes('findings:triage') }}
      canRemediate={permissions.includes('findings:remediate')}
      now={Date.now()}
    />
  );
}
