import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listScans } from '../../../services/scans/list-scans';
import { permittedProcedure } from '../../init';
import { scanSummaryOutput } from './scans-schemas';

export const scansListOutput = z.object({ items: z.array(scanSummaryOutput) });

export const scansList = permittedProcedure('scans:read')
  .meta({ openapi: { method: 'GET', path: '/scans', tags: ['scans'], protect: true, summary: 'The scans of your business units, each with its latest run' } })
  .input(z.void())
  .output(scansListOutput)
  .query(async ({ ctx }) => ({ items: await listScans({ scope: scopeOfActing(ctx.acting) }) }));
