import { z } from 'zod';
import { listPublicSsoProviders } from '../../../services/sso/list-sso-providers';
import { publicProcedure } from '../../init';

export const ssoListPublicOutput = z.object({
  items: z.array(z.object({ id: z.string(), displayName: z.string(), loginUrl: z.string() })),
});

/** The "Sign in with …" buttons of the sign-in page: enabled providers, names only. */
export const ssoListPublic = publicProcedure
  .meta({ openapi: { method: 'GET', path: '/sso/providers/public', tags: ['sso'], protect: false, summary: 'Enabled single sign-on providers (id, name, sign-in URL) for a sign-in page' } })
  .input(z.void())
  .output(ssoListPublicOutput)
  .query(async () => ({ items: await listPublicSsoProviders() }));
