import type { Role } from '../../auth/permissions';
import type { OidcProvider } from '../../models/oidc-provider.model';

export interface SsoAccess {
  role: Role;
  businessUnitId: string;
  /** The IdP group that decided, or null when the provider's default applied. */
  group: string | null;
}

/**
 * The user's groups as the IdP sends them in the configured claim: an array of strings (Keycloak,
 * Okta, Entra ID, Authentik), or a single string. Anything else counts as no groups.
 */
export function groupsOfClaims(claims: Record<string, unknown>, groupClaim: string): string[] {
  const value = claims[groupClaim];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  return [];
}

/**
 * Role and business unit of a user with these groups: the mappings are tried in the order they
 * are configured and the first whose group the user has wins (put the most privileged first);
 * with none matching, the provider's default role, or no access when it has none.
 * Group names are compared exactly (case-sensitive), as IdPs treat them.
 */
export function mapSsoAccess(provider: Pick<OidcProvider, 'groupMappings' | 'defaultRole' | 'defaultBusinessUnitId'>, groups: readonly string[]): SsoAccess | null {
  const held = new Set(groups);
  const mapping = provider.groupMappings.find((m) => held.has(m.group));
  if (mapping) return { role: mapping.role, businessUnitId: mapping.businessUnitId, group: mapping.group };
  if (provider.defaultRole) return { role: provider.defaultRole, businessUnitId: provider.defaultBusinessUnitId, group: null };
  return null;
}
