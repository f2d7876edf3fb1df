import { z } from 'zod';
import { emailSchema, passwordSchema } from '../users/user-input';

/** What /setup asks for: the token from the appliance's console and the first administrator's account. */
export const completeSetupInput = z.object({
  token: z.string().trim().min(1, { message: 'is required' }).max(200, { message: 'is too long' }),
  email: emailSchema,
  name: z.string().trim().max(200).default(''),
  password: passwordSchema,
});
export type CompleteSetupInput = z.input<typeof completeSetupInput>;
