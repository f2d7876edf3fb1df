import { z } from 'zod';
import { listSsoProviders } from '../../../services/sso/list-sso-providers';
import { permittedProcedure } from '../../init';
import { ssoProviderOutput } from './sso-schemas';

export const ssoListOutput = z.object({ items: z.array(ssoProviderOutput) });

export const ssoList = permittedProcedure('sso:read')
  .meta({ openapi: { method: 'GET', path: '/sso/providers', tags: ['sso'], protect: true, summary: 'Single sign-on (OpenID Connect) providers, without client secrets' } })
  .input(z.void())
  .output(ssoListOutput)
  .query(async ({ ctx }) => ({ items: await listSsoProviders({ acting: ctx.acting }) }));
