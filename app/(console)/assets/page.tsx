import type { Metadata } from 'next';
import { load, wire } from '../../_lib/server-caller';
import { AssetsView } from './assets-view';
import { assetsStateToInput, parseAssetsState } from './assets-state';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Assets' };

export default async function AssetsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const state = parseAssetsState(await searchParams);
  const result = await load('assets', (caller) => caller.assets.list(assetsStateToInput(state)));
  return <AssetsView initialState={state} initialData={result.data ? wire(result.data) : null} initialError={result.error} now={Date.now()} />;
}
