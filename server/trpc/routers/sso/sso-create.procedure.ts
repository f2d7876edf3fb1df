import { createSsoProvider } from '../../../services/sso/create-sso-provider';
import { createSsoProviderInput } from '../../../services/sso/sso-provider-input';
import { permittedProcedure } from '../../init';
import { ssoProviderOutput } from './sso-schemas';

/** The client secret is write-only: stored encrypted, answered as `hasClientSecret`. */
export const ssoCreate = permittedProcedure('sso:manage')
  .meta({ openapi: { method: 'POST', path: '/sso/providers', tags: ['sso'], protect: true, summary: 'Add a single sign-on (OpenID Connect) provider' } })
  .input(createSsoProviderInput)
  .output(ssoProviderOutput)
  .mutation(({ ctx, input }) => createSsoProvider({ acting: ctx.acting, encryption: ctx.runtime.encryption, input, meta: ctx.meta }));
