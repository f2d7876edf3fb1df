import { isAppError } from '../../../../server/errors/app-error';
import { actorOfActing } from '../../../../server/services/auth/acting-principal';
import { recordAudit } from '../../../../server/services/audit/record-audit';
import { exportFindingsCsv } from '../../../../server/services/findings/export-findings';
import { findingsListInput } from '../../../../server/trpc/routers/findings/findings-list.procedure';
import { badExportInput, csvResponse, exportCaller } from '../../../_lib/csv-response';
import { findingsStateToInput, parseFindingsState } from '../../../(console)/findings/findings-state';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The findings of the list's filters and sort as CSV (RFC 4180), every page: the same URL parameters as the
 * findings page (`?severity=high&kev=true&status=all&sort=slaDueAt&dir=asc`). Authenticated like tRPC (session
 * cookie or `Authorization: Bearer`), for holders of findings:read, limited to the caller's business units.
 * Streamed from a cursor: any size, constant memory.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await exportCaller(request, 'findings:read');
  if (caller.refusal) return caller.refusal;
  const { ctx, principal } = caller;

  // The page's parameters, checked by findings.list's own schema.
  const parsed = findingsListInput.safeParse(findingsStateToInput(parseFindingsState(new URL(request.url).searchParams)));
  if (!parsed.success) return badExportInput(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const { page: _page, pageSize: _pageSize, sortBy, sortDirection, ...filter } = parsed.data;
  // Findings leaving the console in bulk are worth a line in the audit log, with the filters that chose them.
  await recordAudit({
    actor: actorOfActing({ principal }),
    action: 'findings.export',
    target: { type: 'findings', label: 'CSV export' },
    ip: ctx.meta.ip,
    outcome: 'success',
    details: { ...Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)), sortBy, sortDirection },
    businessUnitId: principal.businessUnitId,
  });
  const lines = exportFindingsCsv({ scope: principal.scope, filter, sort: { by: sortBy, direction: sortDirection } });
  return csvResponse(lines, { filePrefix: 'vigil-findings', onError: (error) => ctx.runtime.log.error({ err: isAppError(error) ? error.message : error }, 'findings export failed') });
}
