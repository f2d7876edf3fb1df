import { z } from 'zod';
import { confirmMfaEnrolment } from '../../../services/mfa/confirm-mfa-enrolment';
import { signInStepOutput } from '../auth/auth-schemas';
import { enrolmentProcedure } from './mfa-enrolment-procedure';
import { signedInStep, totpCodeSchema } from './mfa-schemas';

export const mfaConfirmEnrolmentInput = z.object({ code: totpCodeSchema });
export const mfaConfirmEnrolmentOutput = z.object({
  /** Ten one-time codes, shown this once. */
  recoveryCodes: z.array(z.string()),
  /** When the enrolment finished a sign-in that had to enrol: the new, active session (new cookies). */
  signIn: signInStepOutput.nullable(),
});

/** Enables TOTP with a code from the pending secret and hands out the recovery codes. */
export const mfaConfirmEnrolment = enrolmentProcedure
  .meta({ openapi: { method: 'POST', path: '/account/mfa/enrolment/confirm', tags: ['account'], protect: true, summary: 'Finish setting up TOTP with a code; returns the recovery codes once' } })
  .input(mfaConfirmEnrolmentInput)
  .output(mfaConfirmEnrolmentOutput)
  .mutation(async ({ ctx, input }) => {
    const { enrolment } = ctx;
    const result = await confirmMfaEnrolment({
      userId: enrolment.userId,
      code: input.code,
      meta: ctx.meta,
      ...(enrolment.enrollingSession ? { enrollingSession: enrolment.enrollingSession } : {}),
      sessionConfig: ctx.runtime.config.session,
    });
    return { recoveryCodes: result.recoveryCodes, signIn: result.signedIn ? signedInStep(ctx, result.signedIn) : null };
  });
