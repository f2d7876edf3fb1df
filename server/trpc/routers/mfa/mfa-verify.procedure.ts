import { z } from 'zod';
import { signInWithTotp } from '../../../services/mfa/sign-in-with-totp';
import { signingInProcedure } from '../../init';
import { signInStepOutput } from '../auth/auth-schemas';
import { signedInStep, totpCodeSchema } from './mfa-schemas';

export const mfaVerifyInput = z.object({ code: totpCodeSchema });

/**
 * Second sign-in step: the TOTP code for a session that `auth.login` left in `mfa-pending`. On
 * success a new session replaces the pending one (new cookie). Wrong or replayed codes count
 * toward the account lockout.
 */
export const mfaVerify = signingInProcedure
  .meta({ openapi: { method: 'POST', path: '/auth/totp', tags: ['auth'], protect: false, summary: 'Finish a password sign-in with a TOTP code (session cookie of the pending sign-in); sets new cookies' } })
  .input(mfaVerifyInput)
  .output(signInStepOutput)
  .mutation(async ({ ctx, input }) =>
    signedInStep(ctx, await signInWithTotp({ pending: ctx.pending.session, code: input.code, meta: ctx.meta, sessionConfig: ctx.runtime.config.session })),
  );
