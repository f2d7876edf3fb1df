import * as oidc from 'openid-client';
import type { RequestMeta } from '../../auth/request-meta';
import { sha256Hex } from '../../auth/secret-token';
import type { FieldEncryption } from '../../crypto/encryption';
import { OidcProviderModel } from '../../models/oidc-provider.model';
import { OidcTransactionModel } from '../../models/oidc-transaction.model';
import { oidcClientConfiguration } from './oidc-client-config';
import type { SsoFailure } from './sso-login-failure';
import { ssoCallbackPath } from './sso-provider-summary';
import { ssoReturnPath } from './sso-return-path';

/** How long a user has at the IdP before the login in flight is forgotten. */
export const SSO_TRANSACTION_LIFETIME_MS = 10 * 60_000;

export interface SsoLoginStart {
  ok: true;
  /** Where to send the browser (the IdP's authorization endpoint with every parameter). */
  authorizationUrl: string;
  /** Goes into the browser-binding cookie as well; only its hash is stored. */
  state: string;
  expiresAt: Date;
}

/**
 * Begins an authorization code flow with PKCE: fresh state, nonce and code verifier, kept
 * server-side (`oidc_transactions`, keyed by the state's hash, the verifier encrypted) until the
 * callback uses them once. `origin` is the console's own (https://host:port) as the browser sees it.
 */
export async function startSsoLogin(options: {
  providerId: string;
  origin: string;
  /** The console path to land on after signing in (`next`); checked by ssoReturnPath. */
  returnTo?: string | null;
  encryption: FieldEncryption;
  meta: RequestMeta;
  now?: Date;
}): Promise<SsoLoginStart | SsoFailure> {
  const now = options.now ?? new Date();
  const provider = await OidcProviderModel.findById(options.providerId).lean();
  if (!provider || !provider.enabled) return { ok: false, code: 'sso_unavailable', reason: `SSO provider ${options.providerId} is unknown or disabled` };
  let config: oidc.Configuration;
  try {
    config = await oidcClientConfiguration(provider);
  } catch (error) {
    return { ok: false, code: 'sso_idp_unreachable', reason: `discovery at ${provider.issuer} failed: ${(error as Error).message}` };
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const redirectUri = `${options.origin}${ssoCallbackPath(provider._id)}`;
  const expiresAt = new Date(now.getTime() + SSO_TRANSACTION_LIFETIME_MS);
  await OidcTransactionModel.create({
    _id: sha256Hex(state),
    providerId: provider._id,
    nonce,
    codeVerifier: await options.encryption.encrypt(codeVerifier, { purpose: 'oidc' }),
    redirectUri,
    returnTo: ssoReturnPath(options.returnTo),
    ip: options.meta.ip,
    createdAt: now,
    expiresAt,
  });
  const authorizationUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: provider.scopes.join(' '),
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { ok: true, authorizationUrl: authorizationUrl.href, state, expiresAt };
}
