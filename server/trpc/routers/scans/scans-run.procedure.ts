import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { getScanRun } from '../../../services/scans/get-scan-run';
import { permittedProcedure } from '../../init';
import { scanIdInput, scanRunSummaryOutput } from './scans-schemas';

export const scanRunOutput = scanRunSummaryOutput.extend({
  progress: z.object({
    hostsTotal: z.number().int().nonnegative(),
    hostsDone: z.number().int().nonnegative(),
    /** Jobs per status (queued, leased, done…). */
    jobs: z.record(z.string(), z.number().int().nonnegative()),
    /** Jobs another node took over after a lease expired. */
    resumedJobs: z.number().int().nonnegative(),
  }),
  hosts: z.array(
    z.object({
      address: z.string(),
      reachable: z.boolean(),
      openPorts: z.number().int().nonnegative(),
      assetId: z.string().nullable(),
      nodeId: z.string(),
      problems: z.array(z.object({ stage: z.string(), message: z.string() })),
      receivedAt: z.iso.datetime(),
    }),
  ),
});

export const scansRun = permittedProcedure('scans:read')
  .meta({ openapi: { method: 'GET', path: '/scan-runs/{id}', tags: ['scans'], protect: true, summary: 'One scan run with its progress per host' } })
  .input(scanIdInput)
  .output(scanRunOutput)
  .query(({ ctx, input }) => getScanRun({ scope: scopeOfActing(ctx.acting), runId: input.id }));
