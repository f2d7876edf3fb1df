import { z } from 'zod';
import { ROLES } from '../../../auth/permissions';

/** What the API says about a user: no password hash, no TOTP material. */
export const userOutput = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  businessUnitId: z.string(),
  authSource: z.enum(['local', 'oidc']),
  mfaEnabled: z.boolean(),
  disabled: z.boolean(),
  /** Temporarily locked after repeated failed sign-ins. */
  locked: z.boolean(),
  lastLoginAt: z.date().nullable(),
  createdAt: z.date(),
});

export const userIdInput = z.object({ id: z.string().trim().min(1).max(64) });
