import { z } from 'zod';
import { disableMfa } from '../../../services/mfa/disable-mfa';
import { sensitiveProcedure } from '../../init';

export const mfaDisableOutput = z.object({
  enabled: z.literal(false),
  /** Policy requires MFA for your role: the next sign-in asks you to set it up again. */
  requiredByPolicy: z.boolean(),
});

export const mfaDisable = sensitiveProcedure
  .meta({ openapi: { method: 'DELETE', path: '/account/mfa', tags: ['account'], protect: true, summary: 'Turn TOTP off (needs a recent sign-in)' } })
  .input(z.void())
  .output(mfaDisableOutput)
  .mutation(async ({ ctx }) => ({ enabled: false as const, ...(await disableMfa({ userId: ctx.principal.userId, meta: ctx.meta })) }));
