import type { OidcProvider } from '../../models/oidc-provider.model';

/** What the API says about an SSO provider: whether a client secret is set, never the secret. */
export type SsoProviderSummary = Omit<OidcProvider, '_id' | 'clientSecret' | 'createdAt' | 'updatedAt'> & {
  id: string;
  /** Where the IdP must send users back, relative to the console's origin. */
  redirectPath: string;
  createdAt: string;
  updatedAt: string;
};

/** The stored document with the secret projected away (WITHOUT_CLIENT_SECRET). */
export type StoredProvider = Omit<OidcProvider, 'clientSecret'>;

/** Where the IdP sends users back (the redirect URI is the console's origin followed by this). */
export function ssoCallbackPath(providerId: string): string {
  return `/api/auth/oidc/${encodeURIComponent(providerId)}/callback`;
}

/** Where a "Sign in with …" button points. */
export function ssoLoginPath(providerId: string): string {
  return `/api/auth/oidc/${encodeURIComponent(providerId)}/login`;
}

export function toSsoProviderSummary(doc: StoredProvider): SsoProviderSummary {
  return {
    id: doc._id,
    displayName: doc.displayName,
    issuer: doc.issuer,
    clientId: doc.clientId,
    hasClientSecret: doc.hasClientSecret,
    tokenAuthMethod: doc.tokenAuthMethod,
    scopes: [...doc.scopes],
    groupClaim: doc.groupClaim,
    groupMappings: doc.groupMappings.map((m) => ({ group: m.group, role: m.role, businessUnitId: m.businessUnitId })),
    defaultRole: doc.defaultRole ?? null,
    defaultBusinessUnitId: doc.defaultBusinessUnitId,
    applyMfaPolicy: doc.applyMfaPolicy,
    enabled: doc.enabled,
    redirectPath: ssoCallbackPath(doc._id),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
