import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { isAppError } from '../../../../server/errors/app-error';
import { currentRuntime } from '../../../../server/runtime/runtime';
import { createTrpcContext } from '../../../../server/trpc/context';
import { appRouter } from '../../../../server/trpc/root';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Codes that mean something is wrong on our side (not a bad request) and deserve a log line. */
const LOGGED_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

interface FailureLog {
  path: string | undefined;
  type: string;
  code: string;
  appCode: string | null;
  message: string;
}

/**
 * Server-side failures go to the runtime's logger (pino, with its secret redaction). Only the
 * procedure path, codes and the error message are logged: never the input, headers or context.
 */
function logFailure(entry: FailureLog): void {
  const pending = currentRuntime();
  const fallback = () => console.error(JSON.stringify({ level: 'error', msg: 'tRPC request failed', ...entry }));
  if (!pending) {
    fallback();
    return;
  }
  pending.then((runtime) => runtime.log.error(entry, 'tRPC request failed'), fallback);
}

function handler(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createTrpcContext({ headers: req.headers, resHeaders }),
    onError({ error, path, type }) {
      if (!LOGGED_CODES.has(error.code)) return;
      const cause = error.cause;
      logFailure({
        path,
        type,
        code: error.code,
        appCode: isAppError(cause) ? cause.code : null,
        message: cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0]}` : error.message,
      });
    },
  });
}

export { handler as GET, handler as POST };
