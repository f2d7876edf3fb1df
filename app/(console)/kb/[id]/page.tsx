import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { describePageError, errorCodeOf, isSignedOut, redirectToLogin, requireSignedIn, serverCaller } from '../../../_lib/server-caller';
import { KbDetailView } from '../_components/kb-detail';
import type { KbDetail, KbError } from '../_components/kb-types';

export const dynamic = 'force-dynamic';

type Loaded = { record: KbDetail } | { missing: true } | { ambiguous: string } | { error: KbError };

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** One database read per request, shared by the metadata and the page. */
const load = cache(async (rawId: string): Promise<Loaded> => {
  const id = decodeId(rawId).trim();
  await requireSignedIn();
  try {
    return { record: await (await serverCaller()).kb.get({ id }) };
  } catch (cause) {
    if (isSignedOut(cause)) return redirectToLogin();
    const code = errorCodeOf(cause);
    // A malformed id names nothing, like an unknown one.
    if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') return { missing: true };
    if (code === 'CONFLICT') return { ambiguous: id };
    return { error: describePageError(cause, 'kb vulnerability') };
  }
});

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const loaded = await load(id);
  if ('record' in loaded) return { title: `${loaded.record.id} · KnowledgeBase` };
  return { title: 'KnowledgeBase' };
}

export default async function KbVulnerabilityPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const loaded = await load(id);
  if ('missing' in loaded) notFound();
  // An advisory id shared by several records (a DSA fixing three CVEs): show them all.
  if ('ambiguous' in loaded) redirect(`/kb?q=${encodeURIComponent(loaded.ambiguous)}`);
  if ('error' in loaded) {
    return (
      <div className="alert alert-error kb-alert" role="alert" data-testid="kb-detail-error">
        <div className="alert-title">
          The vulnerability could not be loaded.<code className="alert-code">{loaded.error.code}</code>
        </div>
        <p className="alert-message">{loaded.error.message}</p>
      </div>
    );
  }
  return <KbDetailView record={loaded.record} />;
}
