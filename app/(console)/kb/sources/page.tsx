import type { Metadata } from 'next';
import { currentUser, load } from '../../../_lib/server-caller';
import { KbSources } from '../_components/kb-sources';
import { KbSyncPanel } from '../_components/kb-sync-panel';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'KB sources' };

export default async function KbSourcesPage() {
  const result = await load('kb sources', (caller) => caller.kb.sources());
  const me = await currentUser();
  return (
    <>
      <KbSources initialData={result.data} initialError={result.error} loadedAt={Date.now()} />
      <KbSyncPanel canSync={me.data?.permissions.includes('kb:manage') ?? false} />
    </>
  );
}
