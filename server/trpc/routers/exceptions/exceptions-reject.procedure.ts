import { decideFindingException } from '../../../services/findings/exceptions/decide-finding-exception';
import { permittedProcedure } from '../../init';
import { exceptionDecisionInput, exceptionOutput } from './exceptions-schemas';

export const exceptionsReject = permittedProcedure('findings:approve')
  .meta({ openapi: { method: 'POST', path: '/exceptions/{id}/reject', tags: ['findings'], protect: true, summary: 'Reject a requested exception (not your own)' } })
  .input(exceptionDecisionInput)
  .output(exceptionOutput)
  .mutation(({ ctx, input }) => decideFindingException({ acting: ctx.acting, exceptionId: input.id, decision: 'reject', note: input.note ?? null, meta: ctx.meta }));
