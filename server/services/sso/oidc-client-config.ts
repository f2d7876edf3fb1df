import * as oidc from 'openid-client';
import { AppError } from '../../errors/app-error';
import type { OidcProvider } from '../../models/oidc-provider.model';
import { isLoopbackHttpUrl } from './loopback-issuer';

/** Discovery answers are reused for a while; a changed provider (new updatedAt) is discovered afresh. */
const CACHE_MS = 15 * 60_000;
/** Seconds for each request to the IdP (discovery, token, JWKS, userinfo). */
const REQUEST_TIMEOUT_S = 10;

type ProviderForClient = Pick<OidcProvider, '_id' | 'issuer' | 'clientId' | 'clientSecret' | 'tokenAuthMethod' | 'updatedAt'>;

const cache = new Map<string, { version: string; at: number; config: Promise<oidc.Configuration> }>();

function clientAuth(provider: ProviderForClient, secret: string | null): oidc.ClientAuth {
  if (provider.tokenAuthMethod === 'none') return oidc.None();
  if (!secret) throw new AppError('INTERNAL', `SSO provider ${provider._id}: the client secret could not be read (missing or not decrypted)`);
  return provider.tokenAuthMethod === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
}

/**
 * The openid-client configuration of a provider: the IdP's metadata from discovery (whose
 * `issuer` must equal the configured one), the client id and how it authenticates. The secret
 * arrives decrypted by the driver's automatic decryption. Plain http is allowed only for a
 * loopback issuer (`allowInsecureRequests`), every other issuer must be https.
 */
export function oidcClientConfiguration(provider: ProviderForClient, now: number = Date.now()): Promise<oidc.Configuration> {
  const version = `${provider.issuer}|${provider.clientId}|${provider.tokenAuthMethod}|${provider.updatedAt.getTime()}`;
  const cached = cache.get(provider._id);
  if (cached && cached.version === version && now - cached.at < CACHE_MS) return cached.config;
  const secret = typeof provider.clientSecret === 'string' ? provider.clientSecret : null;
  const issuer = new URL(provider.issuer);
  const config = oidc
    .discovery(issuer, provider.clientId, undefined, clientAuth(provider, secret), {
      execute: isLoopbackHttpUrl(issuer) ? [oidc.allowInsecureRequests] : [],
      timeout: REQUEST_TIMEOUT_S,
    })
    .catch((error: unknown) => {
      // A failed discovery is not remembered: the next sign-in tries again.
      if (cache.get(provider._id)?.config === config) cache.delete(provider._id);
      throw error;
    });
  cache.set(provider._id, { version, at: now, config });
  return config;
}

/** Forgets cached discovery answers (tests; a provider deleted or changed on this node). */
export function forgetOidcClientConfiguration(providerId?: string): void {
  if (providerId === undefined) cache.clear();
  else cache.delete(providerId);
}
