import { z } from 'zod';
import { endOtherSessions } from '../../../services/auth/end-other-sessions';
import { authedProcedure } from '../../init';

export const sessionsEndOthersOutput = z.object({ ended: z.number().int() });

/** Signs you out everywhere but here (with an API token: every session). */
export const sessionsEndOthers = authedProcedure
  .meta({ openapi: { method: 'POST', path: '/sessions/end-others', tags: ['sessions'], protect: true, summary: 'End all your sessions except the current one' } })
  .input(z.void())
  .output(sessionsEndOthersOutput)
  .mutation(async ({ ctx }) => ({ ended: await endOtherSessions({ principal: ctx.principal, currentSessionId: ctx.auth.session?._id, meta: ctx.meta }) }));
