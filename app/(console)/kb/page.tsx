import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { createTrpcContext } from '../../server/trpc/context';
import { createServerCaller } from '../../server/trpc/root';
import { describeKbError } from './_components/describe-error';
import { KbSearch } from './_components/kb-search';
import { parseSearchState, searchStateToInput } from './_components/kb-search-state';
import type { KbError, KbSearchResult } from './_components/kb-types';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'KnowledgeBase' };

export default async function KbSearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = parseSearchState(await searchParams);
  let data: KbSearchResult | null = null;
  let error: KbError | null = null;
  try {
    const caller = createServerCaller(await createTrpcContext({ headers: await headers() }));
    data = await caller.kb.search(searchStateToInput(state));
  } catch (cause) {
    error = describeKbError(cause, 'search');
  }
  return <KbSearch initialState={state} initialData={data} initialError={error} />;
}
