import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../../auth/permissions';
import { SESSION_STATES } from '../../../models/session.model';

export const authUserOutput = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES) });

/** What a sign-in step answers: the state says what comes next; the CSRF token is for scripts. */
export const signInStepOutput = z.object({
  state: z.enum(SESSION_STATES),
  user: authUserOutput,
  csrfToken: z.string(),
  expiresAt: z.date(),
});

export const meOutput = z.object({
  user: authUserOutput.extend({ businessUnitId: z.string(), mfaEnabled: z.boolean(), authSource: z.enum(['local', 'oidc']) }),
  via: z.enum(['session', 'token']),
  permissions: z.array(z.enum(PERMISSIONS)),
  businessUnitIds: z.array(z.string()),
  session: z.object({ id: z.string(), expiresAt: z.date(), authMethod: z.enum(['password', 'oidc']) }).nullable(),
  tokenId: z.string().nullable(),
});
