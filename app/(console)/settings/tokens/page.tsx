import type { Metadata } from 'next';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { load, wire } from '../../../_lib/server-caller';
import { AllTokensView } from './all-tokens-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'API tokens · Settings' };

export default async function AllTokensPage() {
  const [tokens, users, units] = await Promise.all([
    load('tokens', (caller) => caller.tokens.list({ owner: 'all' })),
    load('users', (caller) => caller.users.list()),
    load('units', (caller) => caller.units.list()),
  ]);
  if (tokens.error) return <ErrorAlert error={tokens.error} title="The API tokens could not be loaded." testId="tokens-error" />;
  return <AllTokensView initialTokens={wire(tokens.data.items)} users={wire(users.data?.items ?? [])} units={wire(units.data?.items ?? [])} now={Date.now()} />;
}
