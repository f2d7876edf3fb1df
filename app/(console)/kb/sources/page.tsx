import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { createTrpcContext } from '../../../server/trpc/context';
import { createServerCaller } from '../../../server/trpc/root';
import { describeKbError } from '../_components/describe-error';
import { KbSources } from '../_components/kb-sources';
import type { KbError, KbSourcesResult } from '../_components/kb-types';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'KB sources' };

export default async function KbSourcesPage() {
  let data: KbSourcesResult | null = null;
  let error: KbError | null = null;
  try {
    const caller = createServerCaller(await createTrpcContext({ headers: await headers() }));
    data = await caller.kb.sources();
  } catch (cause) {
    error = describeKbError(cause, 'sources');
  }
  return <KbSources initialData={data} initialError={error} loadedAt={Date.now()} />;
}
