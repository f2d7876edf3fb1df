import { z } from 'zod';
import { getOwnAccount } from '../../../services/users/get-own-account';
import { authedProcedure } from '../../init';
import { meOutput } from './auth-schemas';

export const authMe = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/me', tags: ['auth'], protect: true, summary: 'The signed-in user, how they signed in, their permissions and units' } })
  .input(z.void())
  .output(meOutput)
  .query(async ({ ctx }) => {
    const { principal } = ctx;
    const account = await getOwnAccount({ principal });
    const session = ctx.auth.session;
    return {
      user: { id: principal.userId, email: principal.email, name: principal.name, role: principal.role, businessUnitId: principal.businessUnitId, mfaEnabled: account.mfaEnabled, authSource: account.authSource },
      via: principal.via,
      permissions: [...principal.permissions],
      businessUnitIds: principal.scope.kind === 'units' ? [...principal.scope.businessUnitIds] : [],
      session: session ? { id: session._id, expiresAt: session.idleExpiresAt < session.absoluteExpiresAt ? session.idleExpiresAt : session.absoluteExpiresAt, authMethod: session.authMethod } : null,
      tokenId: principal.tokenId ?? null,
    };
  });
