import { z } from 'zod';
import { deleteSsoProvider } from '../../../services/sso/delete-sso-provider';
import { permittedProcedure } from '../../init';
import { ssoProviderIdInput } from './sso-schemas';

export const ssoDeleteOutput = z.object({ ok: z.literal(true), users: z.number().int() });

/** Its users stay but cannot sign in until a provider with the same id exists again. */
export const ssoDelete = permittedProcedure('sso:manage')
  .meta({ openapi: { method: 'DELETE', path: '/sso/providers/{id}', tags: ['sso'], protect: true, summary: 'Remove a single sign-on provider' } })
  .input(ssoProviderIdInput)
  .output(ssoDeleteOutput)
  .mutation(async ({ ctx, input }) => {
    const { users } = await deleteSsoProvider({ acting: ctx.acting, id: input.id, meta: ctx.meta });
    return { ok: true as const, users };
  });
