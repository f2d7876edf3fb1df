import { z } from 'zod';
import { regenerateRecoveryCodes } from '../../../services/mfa/regenerate-recovery-codes';
import { sensitiveProcedure } from '../../init';
import { recoveryCodesOutput } from './mfa-schemas';

/** Ten new recovery codes, shown once; the old ones stop working. */
export const mfaRegenerateRecoveryCodes = sensitiveProcedure
  .meta({ openapi: { method: 'POST', path: '/account/mfa/recovery-codes', tags: ['account'], protect: true, summary: 'Replace your recovery codes (returned once; needs a recent sign-in)' } })
  .input(z.void())
  .output(recoveryCodesOutput)
  .mutation(({ ctx }) => regenerateRecoveryCodes({ userId: ctx.principal.userId, meta: ctx.meta }));
