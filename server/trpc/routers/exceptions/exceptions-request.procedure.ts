import { z } from 'zod';
import { FINDING_EXCEPTION_KINDS } from '../../../models/finding-exception.model';
import { EXCEPTION_MAX_FINDINGS, requestFindingException } from '../../../services/findings/exceptions/request-finding-exception';
import { permittedProcedure } from '../../init';
import { exceptionOutput } from './exceptions-schemas';

export const exceptionsRequestInput = z.object({
  kind: z.enum(FINDING_EXCEPTION_KINDS),
  /** Findings of one business unit; a single one the caller cannot see fails the whole request. */
  findingIds: z.array(z.string().trim().min(1).max(400)).min(1).max(EXCEPTION_MAX_FINDINGS),
  justification: z.string().trim().min(10, 'explain why, in at least 10 characters').max(2000),
  /** Required for a risk acceptance; at most 365 days ahead. */
  expiresAt: z.iso.datetime().optional(),
});

/** Asks for a risk acceptance or a false-positive ruling; someone else must approve it. */
export const exceptionsRequest = permittedProcedure('findings:triage')
  .meta({ openapi: { method: 'POST', path: '/exceptions', tags: ['findings'], protect: true, summary: 'Request an exception (risk acceptance or false positive) for findings of one business unit' } })
  .input(exceptionsRequestInput)
  .output(exceptionOutput)
  .mutation(({ ctx, input }) =>
    requestFindingException({ acting: ctx.acting, kind: input.kind, findingIds: input.findingIds, justification: input.justification, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null, meta: ctx.meta }),
  );
