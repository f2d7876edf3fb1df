import { z } from 'zod';
import { ROLES } from '../../../auth/permissions';
import { setAuthPolicy } from '../../../services/mfa/auth-policy';
import { permittedProcedure } from '../../init';
import { authPolicyOutput, MFA_REQUIREMENTS } from './settings-schemas';

export const settingsSetAuthPolicyInput = z.object({
  mfaRequired: z.enum(MFA_REQUIREMENTS),
  /** With `roles`: the roles that must use a second factor (at least one). */
  mfaRoles: z.array(z.enum(ROLES)).max(ROLES.length).default([]),
});

/** Applies from each user's next sign-in: users it newly covers must set up TOTP before anything else. */
export const settingsSetAuthPolicy = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'PUT', path: '/settings/auth-policy', tags: ['settings'], protect: true, summary: 'Require a second factor for everyone, for some roles, or for no one' } })
  .input(settingsSetAuthPolicyInput)
  .output(authPolicyOutput)
  .mutation(({ ctx, input }) => setAuthPolicy({ acting: ctx.acting, ...input, meta: ctx.meta }));
