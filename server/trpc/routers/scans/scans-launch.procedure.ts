import { actorOfActing, scopeOfActing } from '../../../services/auth/acting-principal';
import { toScanRunSummary } from '../../../services/scans/get-scan-run';
import { launchScan } from '../../../services/scans/launch-scan';
import { permittedProcedure } from '../../init';
import { scanIdInput, scanRunSummaryOutput } from './scans-schemas';

export const scansLaunch = permittedProcedure('scans:manage')
  .meta({ openapi: { method: 'POST', path: '/scans/{id}/launch', tags: ['scans'], protect: true, summary: 'Launch a run of a scan now; answers the new run' } })
  .input(scanIdInput)
  .output(scanRunSummaryOutput)
  .mutation(async ({ ctx, input }) => toScanRunSummary(await launchScan({ scope: scopeOfActing(ctx.acting), ref: { id: input.id }, actor: actorOfActing(ctx.acting), ip: ctx.meta.ip })));
