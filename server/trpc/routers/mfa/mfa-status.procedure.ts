import { z } from 'zod';
import { getMfaStatus } from '../../../services/mfa/get-mfa-status';
import { authedProcedure } from '../../init';

export const mfaStatusOutput = z.object({
  enabled: z.boolean(),
  enrolledAt: z.date().nullable(),
  /** A secret was made but not confirmed with a code yet. */
  pendingEnrolment: z.boolean(),
  recoveryCodesLeft: z.number().int().nonnegative(),
  /** The installation's policy requires MFA for your role. */
  requiredByPolicy: z.boolean(),
});

export const mfaStatus = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/account/mfa', tags: ['account'], protect: true, summary: 'Your two-factor state: enabled, recovery codes left, required by policy' } })
  .input(z.void())
  .output(mfaStatusOutput)
  .query(({ ctx }) => getMfaStatus({ userId: ctx.principal.userId }));
