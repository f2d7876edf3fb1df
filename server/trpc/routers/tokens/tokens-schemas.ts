import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../../auth/permissions';

/** What the API says about a token: never the token itself or its hash. */
export const tokenOutput = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, to tell tokens apart. */
  prefix: z.string(),
  userId: z.string(),
  role: z.enum(ROLES),
  /** Only these of the role's permissions; null: all of them. */
  permissions: z.array(z.enum(PERMISSIONS)).nullable(),
  businessUnitIds: z.array(z.string()),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
});
