import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { TRPCError } from '@trpc/server';
import { isAppError } from '../server/errors/app-error';
import { createTrpcContext } from '../server/trpc/context';
import { createServerCaller } from '../server/trpc/root';
import { SystemStatusCard } from './_dashboard/system-status-card';
import type { StatusError, SystemStatus } from './_dashboard/system-status-format';

export const dynamic = 'force-dynamic';

// The layout's title template applies to child segments only, and this page shares the root segment.
export const metadata: Metadata = { title: { absolute: 'Dashboard · Vigil' } };

/** What the browser may be told about a failure: domain messages are written for people, anything else is not. */
function describeError(error: unknown): StatusError {
  const appError = isAppError(error) ? error : error instanceof TRPCError && isAppError(error.cause) ? error.cause : null;
  if (appError) return { code: appError.code, message: appError.message };
  // Not meant for the browser; keep one line for the operator (no stack, no request data).
  console.error(`dashboard: system status failed: ${error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error)}`);
  return { code: 'INTERNAL', message: 'Internal error — see the console log for details.' };
}

export default async function DashboardPage() {
  let status: SystemStatus | null = null;
  let error: StatusError | null = null;
  try {
    const caller = createServerCaller(await createTrpcContext({ headers: await headers() }));
    status = await caller.system.status();
  } catch (cause) {
    error = describeError(cause);
  }
  return (
    <div className="dashboard-grid">
      <SystemStatusCard initialStatus={status} initialError={error} loadedAt={Date.now()} />
    </div>
  );
}
