import { z } from 'zod';
import { listUserSessions } from '../../../services/auth/list-user-sessions';
import { authedProcedure } from '../../init';
import { sessionOutput } from './sessions-schemas';

export const sessionsListInput = z
  .object({
    /** Another user's sessions (needs sessions:manage and the user in your units); default: your own. */
    userId: z.string().trim().min(1).max(64).optional(),
  })
  .default({});

export const sessionsListOutput = z.object({ items: z.array(sessionOutput) });

export const sessionsList = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/sessions', tags: ['sessions'], protect: true, summary: 'Your signed-in sessions, or those of a user in your units (sessions:manage)' } })
  .input(sessionsListInput)
  .output(sessionsListOutput)
  .query(async ({ ctx, input }) => ({ items: await listUserSessions({ principal: ctx.principal, userId: input.userId, currentSessionId: ctx.auth.session?._id }) }));
