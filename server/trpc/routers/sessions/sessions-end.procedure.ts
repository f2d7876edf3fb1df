import { z } from 'zod';
import { clearedSessionCookies } from '../../../auth/cookies';
import { endSession } from '../../../services/auth/end-sessions';
import { authedProcedure } from '../../init';
import { sessionIdInput } from './sessions-schemas';

export const sessionsEndOutput = z.object({ ok: z.literal(true) });

/** Ends one of your sessions, or (sessions:manage) one of a user in your units. */
export const sessionsEnd = authedProcedure
  .meta({ openapi: { method: 'DELETE', path: '/sessions/{id}', tags: ['sessions'], protect: true, summary: 'End a session (yours, or with sessions:manage one of a user in your units)' } })
  .input(sessionIdInput)
  .output(sessionsEndOutput)
  .mutation(async ({ ctx, input }) => {
    await endSession({ principal: ctx.principal, sessionId: input.id, meta: ctx.meta });
    if (input.id === ctx.auth.session?._id) ctx.setCookies(clearedSessionCookies());
    return { ok: true as const };
  });
