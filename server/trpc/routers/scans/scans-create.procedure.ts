import { actorOfActing, scopeOfActing } from '../../../services/auth/acting-principal';
import { createScan } from '../../../services/scans/create-scan';
import { toScanSummary } from '../../../services/scans/list-scans';
import { createScanInput } from '../../../services/scans/scan-input';
import { permittedProcedure } from '../../init';
import { scanSummaryOutput } from './scans-schemas';

/** The service's own input schema, so a bad field comes back named (fieldErrors) before anything is stored. */
export const scansCreate = permittedProcedure('scans:manage')
  .meta({ openapi: { method: 'POST', path: '/scans', tags: ['scans'], protect: true, summary: 'Create a scan: targets, exclusions, ports, profile, credential (by name), cron schedule' } })
  .input(createScanInput)
  .output(scanSummaryOutput)
  .mutation(async ({ ctx, input }) => toScanSummary(await createScan({ scope: scopeOfActing(ctx.acting), actor: actorOfActing(ctx.acting), input, ip: ctx.meta.ip }), null));
