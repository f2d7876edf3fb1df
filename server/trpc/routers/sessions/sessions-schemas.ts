import { z } from 'zod';

/** A signed-in session as its owner (or an administrator) sees it: never the token or CSRF secret. */
export const sessionOutput = z.object({
  id: z.string(),
  /** The session making this request. */
  current: z.boolean(),
  authMethod: z.enum(['password', 'oidc']),
  ip: z.string().nullable(),
  userAgent: z.string(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  expiresAt: z.date(),
});

export const sessionIdInput = z.object({ id: z.string().trim().min(1).max(100) });
