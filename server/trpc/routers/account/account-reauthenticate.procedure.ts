import { z } from 'zod';
import { AppError } from '../../../errors/app-error';
import { reauthenticate } from '../../../services/mfa/reauthenticate';
import { passwordSchema } from '../../../services/users/user-input';
import { authedProcedure, REAUTH_WINDOW_MS } from '../../init';
import { totpCodeSchema } from '../mfa/mfa-schemas';

/** One of the two: your password, or a code from your authenticator app. */
export const accountReauthenticateInput = z
  .object({ password: passwordSchema.optional(), code: totpCodeSchema.optional() })
  .refine((input) => (input.password === undefined) !== (input.code === undefined), { message: 'give either your password or a TOTP code', path: ['password'] });

export const accountReauthenticateOutput = z.object({
  reauthenticatedAt: z.date(),
  /** Sensitive changes are allowed until then. */
  validUntil: z.date(),
});

/** Proves again who you are, so sensitive changes (password, MFA, API tokens) are allowed for a few minutes. */
export const accountReauthenticate = authedProcedure
  .meta({ openapi: { method: 'POST', path: '/account/reauthenticate', tags: ['account'], protect: true, summary: 'Confirm your password or a TOTP code before a sensitive change' } })
  .input(accountReauthenticateInput)
  .output(accountReauthenticateOutput)
  .mutation(async ({ ctx, input }) => {
    const session = ctx.auth.session;
    if (!session) throw new AppError('FORBIDDEN', 'API tokens do not re-authenticate; sensitive changes need an interactive session');
    const proof = input.password !== undefined ? { password: input.password } : { code: input.code ?? '' };
    const { reauthenticatedAt } = await reauthenticate({ userId: ctx.principal.userId, sessionId: session._id, proof, meta: ctx.meta });
    return { reauthenticatedAt, validUntil: new Date(reauthenticatedAt.getTime() + REAUTH_WINDOW_MS) };
  });
