import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { getCredential } from '../../../services/credentials/get-credential';
import { permittedProcedure } from '../../init';
import { credentialOutput } from './credentials-schemas';

export const credentialsGetInput = z.object({ id: z.string().trim().min(1).max(64) });

export const credentialsGet = permittedProcedure('credentials:read')
  .meta({ openapi: { method: 'GET', path: '/credentials/{id}', tags: ['credentials'], protect: true, summary: 'One credential of your business units (metadata only)' } })
  .input(credentialsGetInput)
  .output(credentialOutput)
  .query(({ ctx, input }) => getCredential({ scope: scopeOfActing(ctx.acting), ref: { id: input.id } }));
