import { z } from 'zod';
import { clearedSessionCookies } from '../../../auth/cookies';
import { AppError } from '../../../errors/app-error';
import { logout } from '../../../services/auth/logout';
import { authedProcedure } from '../../init';

export const authLogout = authedProcedure
  .meta({ openapi: { method: 'POST', path: '/auth/logout', tags: ['auth'], protect: true, summary: 'End the current session (cookie sign-in only)' } })
  .input(z.void())
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx }) => {
    const session = ctx.auth.session;
    if (!session) throw new AppError('BAD_INPUT', 'API tokens are not signed out; revoke the token instead');
    await logout({ sessionId: session._id, user: { id: ctx.principal.userId, email: ctx.principal.email, businessUnitId: ctx.principal.businessUnitId }, meta: ctx.meta });
    ctx.setCookies(clearedSessionCookies());
    return { ok: true as const };
  });
