import { revokeFindingException } from '../../../services/findings/exceptions/end-finding-exception';
import { permittedProcedure } from '../../init';
import { exceptionIdInput, exceptionOutput } from './exceptions-schemas';

/** Approvers, or the requester for their own; covered findings that are still open are reopened. */
export const exceptionsRevoke = permittedProcedure('findings:triage')
  .meta({ openapi: { method: 'POST', path: '/exceptions/{id}/revoke', tags: ['findings'], protect: true, summary: 'Withdraw a request or end an approved exception early' } })
  .input(exceptionIdInput)
  .output(exceptionOutput)
  .mutation(({ ctx, input }) => revokeFindingException({ acting: ctx.acting, exceptionId: input.id, meta: ctx.meta }));
