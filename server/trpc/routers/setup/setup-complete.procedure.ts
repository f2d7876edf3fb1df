import { z } from 'zod';
import { completeSetup } from '../../../services/setup/complete-setup';
import { completeSetupInput } from '../../../services/setup/setup-input';
import { publicProcedure } from '../../init';
import { authUserOutput } from '../auth/auth-schemas';

export const setupCompleteOutput = z.object({ user: authUserOutput });

/**
 * First boot: the one-time setup token (from the appliance's console) creates the first administrator. Refused
 * (409) once any account exists. Signs nobody in: the new administrator signs in at /login.
 */
export const setupComplete = publicProcedure
  .meta({ openapi: { method: 'POST', path: '/setup', tags: ['setup'], protect: false, summary: 'Create the first administrator with the one-time setup token (only while no account exists)' } })
  .input(completeSetupInput)
  .output(setupCompleteOutput)
  .mutation(async ({ ctx, input }) => {
    const user = await completeSetup({ input, dataDir: ctx.runtime.config.dataDir, meta: ctx.meta });
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  });
