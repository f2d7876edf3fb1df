import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listCredentials } from '../../../services/credentials/list-credentials';
import { permittedProcedure } from '../../init';
import { credentialOutput } from './credentials-schemas';

export const credentialsListOutput = z.object({ items: z.array(credentialOutput) });

export const credentialsList = permittedProcedure('credentials:read')
  .meta({ openapi: { method: 'GET', path: '/credentials', tags: ['credentials'], protect: true, summary: 'The credentials of your business units (metadata only)' } })
  .input(z.void())
  .output(credentialsListOutput)
  .query(async ({ ctx }) => ({ items: await listCredentials({ scope: scopeOfActing(ctx.acting) }) }));
