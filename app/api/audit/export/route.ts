import { isAppError } from '../../../../server/errors/app-error';
import { exportAuditCsv } from '../../../../server/services/audit/list-audit-entries';
import { recordAudit } from '../../../../server/services/audit/record-audit';
import { actorOfActing } from '../../../../server/services/auth/acting-principal';
import { csvResponse, exportCaller } from '../../../_lib/csv-response';
import { auditFilterInput, parseAuditState } from '../../../(console)/audit/audit-state';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The audit log as CSV (RFC 4180), with the same filters as the audit page
 * (`?action=auth&actor=ada&outcome=failure&from=2026-11-01&to=2026-11-30`), oldest entry first.
 * Authenticated like tRPC (session cookie or `Authorization: Bearer`), for holders of audit:read,
 * and limited to the caller's business units. Streamed from a cursor: any size, constant memory.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await exportCaller(request, 'audit:read');
  if (caller.refusal) return caller.refusal;
  const { ctx, principal } = caller;

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
  });
  // Headers are sent already when a failure comes: the download ends incomplete rather than pretending to be whole.
  return csvResponse(lines, { filePrefix: 'vigil-audit', onError: (error) => ctx.runtime.log.error({ err: isAppError(error) ? error.message : error }, 'audit export failed') });
}
