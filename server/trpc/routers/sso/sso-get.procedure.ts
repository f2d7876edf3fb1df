import { getSsoProvider } from '../../../services/sso/list-sso-providers';
import { permittedProcedure } from '../../init';
import { ssoProviderIdInput, ssoProviderOutput } from './sso-schemas';

export const ssoGet = permittedProcedure('sso:read')
  .meta({ openapi: { method: 'GET', path: '/sso/providers/{id}', tags: ['sso'], protect: true, summary: 'One single sign-on provider, without its client secret' } })
  .input(ssoProviderIdInput)
  .output(ssoProviderOutput)
  .query(({ ctx, input }) => getSsoProvider({ acting: ctx.acting, id: input.id }));
