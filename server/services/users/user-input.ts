import { z } from 'zod';
import { ROLES } from '../../auth/permissions';
import { PASSWORD_MAX_LENGTH } from '../../auth/password';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an e-mail address' })).pipe(z.string().max(254));
export const passwordSchema = z.string().min(1, { message: 'is required' }).max(PASSWORD_MAX_LENGTH * 4, { message: 'is too long' });
export const businessUnitIdSchema = z.string().min(1).max(64);

export const createUserInput = z.object({
  email: emailSchema,
  name: z.string().trim().max(200).default(''),
  role: z.enum(ROLES),
  businessUnitId: businessUnitIdSchema.optional(),
  password: passwordSchema,
});
export type CreateUserInput = z.input<typeof createUserInput>;

export const updateUserInput = z.object({
  name: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  businessUnitId: businessUnitIdSchema.optional(),
  disabled: z.boolean().optional(),
  /** Lifts a temporary lockout early. */
  unlock: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserInput>;
