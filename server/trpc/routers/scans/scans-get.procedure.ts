import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { getScan } from '../../../services/scans/list-scans';
import { permittedProcedure } from '../../init';
import { scanIdInput, scanRunSummaryOutput, scanSummaryOutput } from './scans-schemas';

export const scanDetailOutput = scanSummaryOutput.extend({ runs: z.array(scanRunSummaryOutput) });

export const scansGet = permittedProcedure('scans:read')
  .meta({ openapi: { method: 'GET', path: '/scans/{id}', tags: ['scans'], protect: true, summary: 'One scan of your business units with its run history (newest first)' } })
  .input(scanIdInput)
  .output(scanDetailOutput)
  .query(({ ctx, input }) => getScan({ scope: scopeOfActing(ctx.acting), ref: { id: input.id } }));
