import { z } from 'zod';
import { actorOfActing, scopeOfActing } from '../../../services/auth/acting-principal';
import { controlScanRun } from '../../../services/scans/control-scan-run';
import { toScanRunSummary } from '../../../services/scans/get-scan-run';
import { permittedProcedure } from '../../init';
import { scanIdInput, scanRunSummaryOutput } from './scans-schemas';

export const scansControlInput = scanIdInput.extend({ action: z.enum(['pause', 'resume', 'cancel']) });

/** Nodes learn of it at their next heartbeat or upload; hosts already stored stay stored. */
export const scansControl = permittedProcedure('scans:manage')
  .meta({ openapi: { method: 'POST', path: '/scan-runs/{id}/{action}', tags: ['scans'], protect: true, summary: 'Pause, resume or cancel a scan run' } })
  .input(scansControlInput)
  .output(scanRunSummaryOutput)
  .mutation(async ({ ctx, input }) => toScanRunSummary(await controlScanRun({ scope: scopeOfActing(ctx.acting), runId: input.id, action: input.action, actor: actorOfActing(ctx.acting), ip: ctx.meta.ip })));
