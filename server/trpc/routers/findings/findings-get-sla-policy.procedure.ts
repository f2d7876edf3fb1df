import { z } from 'zod';
import { getSlaPolicy } from '../../../services/findings/sla-policy';
import { permittedProcedure } from '../../init';
import { slaPolicyOutput } from './findings-schemas';

export const findingsGetSlaPolicy = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings/sla-policy', tags: ['findings'], protect: true, summary: 'Remediation deadlines per severity (KEV due dates apply when earlier)' } })
  .input(z.void())
  .output(slaPolicyOutput)
  .query(({ ctx }) => getSlaPolicy({ acting: ctx.acting }));
