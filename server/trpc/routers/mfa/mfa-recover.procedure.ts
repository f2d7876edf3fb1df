import { z } from 'zod';
import { signInWithRecoveryCode } from '../../../services/mfa/sign-in-with-recovery-code';
import { signingInProcedure } from '../../init';
import { signInStepOutput } from '../auth/auth-schemas';
import { recoveryCodeSchema, signedInStep } from './mfa-schemas';

export const mfaRecoverInput = z.object({ recoveryCode: recoveryCodeSchema });
export const mfaRecoverOutput = signInStepOutput.extend({ recoveryCodesLeft: z.number().int().nonnegative() });

/** Second sign-in step with a recovery code instead of a TOTP code; each code works once. */
export const mfaRecover = signingInProcedure
  .meta({ openapi: { method: 'POST', path: '/auth/recovery-code', tags: ['auth'], protect: false, summary: 'Finish a password sign-in with a one-time recovery code; sets new cookies' } })
  .input(mfaRecoverInput)
  .output(mfaRecoverOutput)
  .mutation(async ({ ctx, input }) => {
    const signedIn = await signInWithRecoveryCode({ pending: ctx.pending.session, recoveryCode: input.recoveryCode, meta: ctx.meta, sessionConfig: ctx.runtime.config.session });
    return { ...signedInStep(ctx, signedIn), recoveryCodesLeft: signedIn.recoveryCodesLeft };
  });
