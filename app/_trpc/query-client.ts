import { QueryCache, QueryClient } from '@tanstack/react-query';
import { loginHref } from '../_lib/next-path';

/** The session ended (expired, signed out elsewhere, revoked): go to the sign-in page and come back afterwards. */
function onQueryError(error: unknown): void {
  if (typeof window === 'undefined') return;
  const code = (error as { data?: { code?: string } | null }).data?.code;
  if (code !== 'UNAUTHORIZED' || window.location.pathname === '/login') return;
  window.location.assign(loginHref(`${window.location.pathname}${window.location.search}`));
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onQueryError }),
    defaultOptions: {
      queries: {
        // Server components hand over fresh data; don't refetch it the moment the page hydrates.
        staleTime: 5_000,
        refetchOnWindowFocus: true,
        retry: 1,
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** One client per browser tab; a new one per server render so requests never share a cache. */
export function getQueryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
