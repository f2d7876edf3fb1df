'use client';

import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * False on the server and while the page hydrates, true afterwards. What only the browser knows renders
 * after hydration, so the first browser render matches the server's HTML (else React #418): a query's
 * fetch state above all — the server renders every query idle, but a page that hydrates slowly can find
 * its server data stale already and start fetching during hydration.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/** "Loading…" beside a list's title while its query fetches, announced politely. */
export function LoadingNote({ fetching }: { fetching: boolean }) {
  const hydrated = useHydrated();
  return (
    <span className="ui-loading" role="status" aria-live="polite">
      {hydrated && fetching ? 'Loading…' : ''}
    </span>
  );
}
