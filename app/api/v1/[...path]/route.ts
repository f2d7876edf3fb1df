import { createOpenApiFetchHandler } from 'trpc-to-openapi';
import { isAppError } from '../../../../server/errors/app-error';
import { currentRuntime } from '../../../../server/runtime/runtime';
import { createTrpcContext } from '../../../../server/trpc/context';
import { appRouter } from '../../../../server/trpc/root';
import { REST_ENDPOINT, finishResponse, prepareRequest } from '../_lib/rest-exchange';

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
 * REST under /api/v1: the same tRPC procedures (those with `meta.openapi`), the same context —
 * session cookie with CSRF header, or `Authorization: Bearer` — and the same errors as HTTP statuses.
 */
async function handler(req: Request): Promise<Response> {
  const prepared = await prepareRequest(req);
  if (prepared instanceof Response) return prepared;
  const resHeaders = new Headers();
  const response = await createOpenApiFetchHandler({
    endpoint: REST_ENDPOINT,
    router: appRouter,
    req: prepared,
    createContext: () => createTrpcContext({ headers: prepared.headers, resHeaders }),
    onError: ({ error, path }) => logServerFailure(path, error),
  });
  return finishResponse(response, resHeaders);
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
