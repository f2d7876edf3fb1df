import { isAppError } from '../../../../server/errors/app-error';
import { currentRuntime } from '../../../../server/runtime/runtime';
import { createTrpcContext } from '../../../../server/trpc/context';
import { appRouter } from '../../../../server/trpc/root';
import { createRestHandler } from '../_lib/rest-exchange';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Server-side failures only, with the procedure path and the error's first line: never input or headers. */
function logServerFailure(path: string | undefined, error: { code: string; cause?: unknown; message: string }): void {
  if (error.code !== 'INTERNAL_SERVER_ERROR' && error.code !== 'SERVICE_UNAVAILABLE') return;
  const cause = error.cause;
  const entry = { path, code: error.code, appCode: isAppError(cause) ? cause.code : null, message: cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0]}` : error.message };
  const pending = currentRuntime();
  if (!pending) console.error(JSON.stringify({ level: 'error', msg: 'REST request failed', ...entry }));
  else pending.then((rt) => rt.log.error(entry, 'REST request failed'), () => undefined);
}

/**
 * REST under /api/v1: the tRPC procedures that carry `meta.openapi`, with the same context —
 * session cookie with CSRF header, or `Authorization: Bearer` — and their errors as HTTP statuses.
 */
let handler: ((req: Request) => Promise<Response>) | undefined;

function rest(req: Request): Promise<Response> {
  handler ??= createRestHandler({
    router: appRouter,
    createContext: (request, cookies) => createTrpcContext({ headers: request.headers, resHeaders: cookies }),
    onError: ({ error, path }) => logServerFailure(path, error),
  });
  return handler(req);
}

export { rest as GET, rest as POST, rest as PUT, rest as PATCH, rest as DELETE };
