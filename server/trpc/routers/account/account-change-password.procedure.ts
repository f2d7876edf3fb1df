import { z } from 'zod';
import { changeOwnPassword } from '../../../services/mfa/change-own-password';
import { passwordSchema } from '../../../services/users/user-input';
import { sensitiveProcedure } from '../../init';

export const accountChangePasswordInput = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema });
export const accountChangePasswordOutput = z.object({
  /** Your other sessions, signed out by the change. */
  endedSessions: z.number().int().nonnegative(),
});

/** Changes your password (needs a recent sign-in); every other session of yours ends. */
export const accountChangePassword = sensitiveProcedure
  .meta({ openapi: { method: 'POST', path: '/account/password', tags: ['account'], protect: true, summary: 'Change your password (needs a recent sign-in; ends your other sessions)' } })
  .input(accountChangePasswordInput)
  .output(accountChangePasswordOutput)
  .mutation(({ ctx, input }) => changeOwnPassword({ userId: ctx.principal.userId, sessionId: ctx.session._id, ...input, meta: ctx.meta }));
