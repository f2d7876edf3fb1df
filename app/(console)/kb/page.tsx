import type { Metadata } from 'next';
import { load } from '../../_lib/server-caller';
import { KbSearch } from './_components/kb-search';
import { parseSearchState, searchStateToInput } from './_components/kb-search-state';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'KnowledgeBase' };

export default async function KbSearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = parseSearchState(await searchParams);
  const result = await load('kb search', (caller) => caller.kb.search(searchStateToInput(state)));
  return <KbSearch initialState={state} initialData={result.data} initialError={result.error} />;
}
