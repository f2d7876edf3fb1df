import { updateSsoProviderInput } from '../../../services/sso/sso-provider-input';
import { updateSsoProvider } from '../../../services/sso/update-sso-provider';
import { permittedProcedure } from '../../init';
import { ssoProviderIdInput, ssoProviderOutput } from './sso-schemas';

export const ssoUpdateInput = ssoProviderIdInput.extend(updateSsoProviderInput.shape);

/** Fields left out keep their value; `clientSecret` replaces the secret, null removes it. */
export const ssoUpdate = permittedProcedure('sso:manage')
  .meta({ openapi: { method: 'PATCH', path: '/sso/providers/{id}', tags: ['sso'], protect: true, summary: 'Change a single sign-on provider (mappings apply from the next sign-in)' } })
  .input(ssoUpdateInput)
  .output(ssoProviderOutput)
  .mutation(({ ctx, input: { id, ...changes } }) => updateSsoProvider({ acting: ctx.acting, encryption: ctx.runtime.encryption, id, input: changes, meta: ctx.meta }));
