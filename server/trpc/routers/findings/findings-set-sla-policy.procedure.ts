import { setSlaPolicy } from '../../../services/findings/sla-policy';
import { permittedProcedure } from '../../init';
import { slaPolicyOutput } from './findings-schemas';

export const findingsSetSlaPolicyInput = slaPolicyOutput.omit({ updatedAt: true, redating: true });

/** Installation-wide; starts re-dating every open finding (`redating` until done). Audited. */
export const findingsSetSlaPolicy = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'PUT', path: '/findings/sla-policy', tags: ['findings'], protect: true, summary: 'Change the remediation deadlines per severity' } })
  .input(findingsSetSlaPolicyInput)
  .output(slaPolicyOutput)
  .mutation(({ ctx, input }) => setSlaPolicy({ acting: ctx.acting, ...input, meta: ctx.meta, log: ctx.runtime.log }));
