import { decideFindingException } from '../../../services/findings/exceptions/decide-finding-exception';
import { permittedProcedure } from '../../init';
import { exceptionDecisionInput, exceptionOutput } from './exceptions-schemas';

/** Four-eyes: not the requester's own. */
export const exceptionsApprove = permittedProcedure('findings:approve')
  .meta({ openapi: { method: 'POST', path: '/exceptions/{id}/approve', tags: ['findings'], protect: true, summary: 'Approve a requested exception (not your own)' } })
  .input(exceptionDecisionInput)
  .output(exceptionOutput)
  .mutation(({ ctx, input }) => decideFindingException({ acting: ctx.acting, exceptionId: input.id, decision: 'approve', note: input.note ?? null, meta: ctx.meta }));
