import type { Metadata } from 'next';
import { load } from '../../../_lib/server-caller';
import { KbSources } from '../_components/kb-sources';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'KB sources' };

export default async function KbSourcesPage() {
  const result = await load('kb sources', (caller) => caller.kb.sources());
  return <KbSources initialData={result.data} initialError={result.error} loadedAt={Date.now()} />;
}
