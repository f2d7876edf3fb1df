import { z } from 'zod';
import { ROLES } from '../../../auth/permissions';
import { OIDC_TOKEN_AUTH_METHODS } from '../../../models/oidc-provider.model';
import { ssoProviderIdSchema } from '../../../services/sso/sso-provider-input';

/** An SSO provider as the API shows it: `hasClientSecret`, never the secret. */
export const ssoProviderOutput = z.object({
  id: z.string(),
  displayName: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  tokenAuthMethod: z.enum(OIDC_TOKEN_AUTH_METHODS),
  scopes: z.array(z.string()),
  groupClaim: z.string(),
  /** Tried in order; the first group the user has decides role and unit. */
  groupMappings: z.array(z.object({ group: z.string(), role: z.enum(ROLES), businessUnitId: z.string() })),
  /** Role of users no mapping matches; null refuses them. */
  defaultRole: z.enum(ROLES).nullable(),
  defaultBusinessUnitId: z.string(),
  applyMfaPolicy: z.boolean(),
  enabled: z.boolean(),
  /** Append to the console's origin for the redirect URI to register at the IdP. */
  redirectPath: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ssoProviderIdInput = z.object({ id: ssoProviderIdSchema });
