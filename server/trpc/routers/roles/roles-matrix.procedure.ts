import { z } from 'zod';
import { PERMISSIONS, ROLE_DESCRIPTIONS, ROLES, permissionsOf } from '../../../auth/permissions';
import { authedProcedure } from '../../init';

export const rolesMatrixOutput = z.object({
  roles: z.array(z.object({ id: z.enum(ROLES), description: z.string(), permissions: z.array(z.enum(PERMISSIONS)) })),
  /** Every permission as area:action, in matrix order. */
  permissions: z.array(z.object({ id: z.enum(PERMISSIONS), area: z.string(), action: z.string() })),
});

/** The permission matrix, read from the one place that defines it; any signed-in user may read it. */
export const rolesMatrix = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/roles', tags: ['roles'], protect: true, summary: 'The roles, what each may do, and every permission' } })
  .input(z.void())
  .output(rolesMatrixOutput)
  .query(() => ({
    roles: ROLES.map((id) => ({ id, description: ROLE_DESCRIPTIONS[id], permissions: [...permissionsOf(id)] })),
    permissions: PERMISSIONS.map((id) => {
      const [area = id, action = ''] = id.split(':');
      return { id, area, action };
    }),
  }));
