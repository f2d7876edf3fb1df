import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { parseFindingRef } from '../../../services/findings/finding-ref';
import { getFinding } from '../../../services/findings/get-finding';
import { permittedProcedure } from '../../init';
import { exceptionOutput } from '../exceptions/exceptions-schemas';
import { findingOutput } from './findings-schemas';

/** `id` is the finding's id in base64url (finding-ref.ts): the id itself holds `|`, spaces and sometimes `/`. */
export const findingsGetInput = z.object({
  id: z
    .string()
    .trim()
    .min(1)
    .max(600)
    .refine((ref) => parseFindingRef(ref) !== null, 'not a finding reference (the finding id in base64url)'),
});

export const findingDetailOutput = findingOutput.extend({
  asset: z.object({ id: z.string(), name: z.string(), addresses: z.array(z.string()), hostnames: z.array(z.string()) }),
  exceptions: z.array(exceptionOutput),
});

/** Registered after the static /findings/… paths: the REST router takes the first path that matches. */
export const findingsGet = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings/{id}', tags: ['findings'], protect: true, summary: 'One finding of your business units (id in base64url): evidence, asset, lifecycle, SLA and the exceptions that named it' } })
  .input(findingsGetInput)
  .output(findingDetailOutput)
  .query(({ ctx, input }) => getFinding({ scope: scopeOfActing(ctx.acting), id: parseFindingRef(input.id) ?? '' }));
