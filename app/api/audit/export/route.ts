import { hasPermission } from '../../../../server/auth/principal';
import { isAppError } from '../../../../server/errors/app-error';
import { exportAuditCsv } from '../../../../server/services/audit/list-audit-entries';
import { recordAudit } from '../../../../server/services/audit/record-audit';
import { actorOfActing } from '../../../../server/services/auth/acting-principal';
import { createTrpcContext } from '../../../../server/trpc/context';
import { auditFilterInput, parseAuditState } from '../../../(console)/audit/audit-state';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function problem(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * The audit log as CSV (RFC 4180), with the same filters as the audit page
 * (`?action=auth&actor=ada&outcome=failure&from=2026-11-01&to=2026-11-30`), oldest entry first.
 * Authenticated like tRPC (session cookie or `Authorization: Bearer`), for holders of audit:read,
 * and limited to the caller's business units. Streamed from a cursor: any size, constant memory.
 */
export async function GET(request: Request): Promise<Response> {
  const ctx = await createTrpcContext({ headers: request.headers });
  const principal = ctx.auth.principal;
  if (!principal) return problem(401, ctx.auth.rejection?.reason ?? 'sign in first');
  if (!hasPermission(principal, 'audit:read')) return problem(403, 'your role does not allow this (audit:read)');

  const state = parseAuditState(new URL(request.url).searchParams);
  const filter = auditFilterInput(state);
  // Taking the log out of the console is itself worth a line in it.
  await recordAudit({
    actor: actorOfActing({ principal }),
    action: 'audit.export',
    target: { type: 'audit-log', label: 'CSV export' },
    ip: ctx.meta.ip,
    outcome: 'success',
    details: { action: state.action || null, actor: state.actor || null, outcome: state.outcome || null, from: state.from || null, to: state.to || null },
    businessUnitId: principal.businessUnitId,
  });
  const lines = exportAuditCsv({
    scope: principal.scope,
    filter: {
      action: filter.action,
      actorEmail: filter.actorEmail,
      outcome: filter.outcome,
      from: filter.from ? new Date(filter.from) : undefined,
      to: filter.to ? new Date(filter.to) : undefined,
    },
  })[Symbol.asyncIterator]();

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // A few hundred lines per chunk: fewer, larger writes than one per entry.
        let chunk = '';
        while (chunk.length < 64 * 1024) {
          const next = await lines.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        // Headers are sent already: the download ends incomplete rather than pretending to be whole.
        ctx.runtime.log.error({ err: isAppError(error) ? error.message : error }, 'audit export failed');
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return?.();
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="vigil-audit-${stamp}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
