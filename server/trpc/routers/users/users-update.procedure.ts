import { z } from 'zod';
import { ROLES } from '../../../auth/permissions';
import { businessUnitIdSchema } from '../../../services/users/user-input';
import { updateUser } from '../../../services/users/update-user';
import { permittedProcedure } from '../../init';
import { userIdInput, userOutput } from './users-schemas';

/**
 * A JSON boolean and nothing else. trpc-to-openapi coerces plain z.boolean() fields of REST bodies
 * with Boolean(), which would read the string "false" as true (and would disable a user).
 */
const strictBoolean = z.union([z.boolean({ error: 'must be true or false' })]);

export const usersUpdateInput = userIdInput.extend({
  name: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  businessUnitId: businessUnitIdSchema.optional(),
  disabled: strictBoolean.optional(),
  /** Lifts a temporary lockout early. */
  unlock: strictBoolean.optional(),
});

/** Changes name, role, unit or disabled state; disabling, demoting or moving ends the user's sessions. */
export const usersUpdate = permittedProcedure('users:manage')
  .meta({ openapi: { method: 'PATCH', path: '/users/{id}', tags: ['users'], protect: true, summary: 'Change a user’s name, role, unit or disabled state, or lift a lockout' } })
  .input(usersUpdateInput)
  .output(userOutput)
  .mutation(({ ctx, input: { id, ...changes } }) => updateUser({ acting: ctx.acting, userId: id, input: changes, meta: ctx.meta }));
