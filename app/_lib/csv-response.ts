import 'server-only';
import { hasPermission, type Principal } from '../../server/auth/principal';
import type { Permission } from '../../server/auth/permissions';
import { createTrpcContext, type TrpcContext } from '../../server/trpc/context';

function problem(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * The caller of an export route, authenticated like tRPC (session cookie or `Authorization: Bearer`) and holding
 * the permission; otherwise the 401 or 403 answer to send.
 */
export async function exportCaller(request: Request, permission: Permission): Promise<{ ctx: TrpcContext; principal: Principal; refusal: null } | { refusal: Response }> {
  const ctx = await createTrpcContext({ headers: request.headers });
  const principal = ctx.auth.principal;
  if (!principal) return { refusal: problem(401, ctx.auth.rejection?.reason ?? 'sign in first') };
  if (!hasPermission(principal, permission)) return { refusal: problem(403, `your role does not allow this (${permission})`) };
  return { ctx, principal, refusal: null };
}

/** A 400 answer for parameters an export route refuses. */
export const badExportInput = (message: string) => problem(400, message);

/**
 * A CSV download streamed from an async iterator of lines: chunks of about 64 KiB, pulled as the client reads, so
 * any size takes constant memory. A failure after the headers ends the download incomplete (and is logged) rather
 * than pretending it is whole; a client that goes away closes the iterator (and its database cursor).
 */
export function csvResponse(lines: AsyncIterable<string>, options: { filePrefix: string; onError: (error: unknown) => void }): Response {
  const iterator = lines[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let chunk = '';
        while (chunk.length < 64 * 1024) {
          const next = await iterator.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        options.onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${options.filePrefix}-${stamp}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
