'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '../../server/trpc/root';
import { TRPCProvider } from './client';
import { CSRF_HEADER, readCsrfToken } from './csrf';
import { getQueryClient } from './query-client';

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: '/api/trpc',
          // Read at each request: signing in (or a TOTP step) replaces the cookie.
          headers: () => {
            const token = readCsrfToken();
            return token ? { [CSRF_HEADER]: token } : {};
          },
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
