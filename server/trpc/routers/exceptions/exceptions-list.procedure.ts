import { z } from 'zod';
import { FINDING_EXCEPTION_KINDS, FINDING_EXCEPTION_STATUSES } from '../../../models/finding-exception.model';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { EXCEPTIONS_MAX_PAGE_SIZE, listFindingExceptions } from '../../../services/findings/exceptions/list-finding-exceptions';
import { permittedProcedure } from '../../init';
import { exceptionOutput } from './exceptions-schemas';

export const exceptionsListInput = z
  .object({
    status: z.enum(FINDING_EXCEPTION_STATUSES).optional(),
    kind: z.enum(FINDING_EXCEPTION_KINDS).optional(),
    /** The live exception of this finding. */
    findingId: z.string().trim().min(1).max(400).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(EXCEPTIONS_MAX_PAGE_SIZE).default(50),
  })
  .default({ page: 1, pageSize: 50 });

export const exceptionsList = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/exceptions', tags: ['findings'], protect: true, summary: 'Exceptions of your business units, newest request first' } })
  .input(exceptionsListInput)
  .output(z.object({ items: z.array(exceptionOutput), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }))
  .query(({ ctx, input: { page, pageSize, ...filter } }) => listFindingExceptions({ scope: scopeOfActing(ctx.acting), filter, page, pageSize }));
