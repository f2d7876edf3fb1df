import { z } from 'zod';
import { ROLES } from '../../../auth/permissions';

export const MFA_REQUIREMENTS = ['off', 'all', 'roles'] as const;

export const authPolicyOutput = z.object({
  /** `off`; `all`: everyone; `roles`: the roles in `mfaRoles`. */
  mfaRequired: z.enum(MFA_REQUIREMENTS),
  mfaRoles: z.array(z.enum(ROLES)),
  updatedAt: z.date().nullable(),
});
