import { z } from 'zod';
import { getSetupStatus } from '../../../services/setup/get-setup-status';
import { publicProcedure } from '../../init';

export const setupStatusOutput = z.object({ setupRequired: z.boolean() });

/** Whether the console still waits for its first administrator (the sign-in page then points to /setup). */
export const setupStatus = publicProcedure
  .meta({ openapi: { method: 'GET', path: '/setup', tags: ['setup'], protect: false, summary: 'Whether no account exists yet, so the first administrator is still to be set up' } })
  .input(z.void())
  .output(setupStatusOutput)
  .query(() => getSetupStatus());
