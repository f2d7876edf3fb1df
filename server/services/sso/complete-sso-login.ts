import * as oidc from 'openid-client';
import type { Role } from '../../auth/permissions';
import type { RequestMeta } from '../../auth/request-meta';
import { equalSecrets, sha256Hex } from '../../auth/secret-token';
import type { VigilConfig } from '../../config/env';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { OidcProviderModel, type OidcProvider } from '../../models/oidc-provider.model';
import { OidcTransactionModel, type OidcTransaction } from '../../models/oidc-transaction.model';
import { UserModel } from '../../models/user.model';
import type { SessionState } from '../../models/session.model';
import { recordAudit } from '../audit/record-audit';
import { createSession, type NewSession } from '../auth/create-session';
import { mfaRequiredFor, readAuthSettings } from '../auth/read-auth-settings';
import { groupsOfClaims, mapSsoAccess } from './map-sso-access';
import { oidcClientConfiguration } from './oidc-client-config';
import { provisionSsoUser } from './provision-sso-user';
import { identityOfClaims } from './sso-identity';
import { SsoRefusal, type SsoFailure } from './sso-login-failure';

export interface SsoLoginSuccess extends NewSession {
  ok: true;
  /** `active`: signed in; otherwise the TOTP step or MFA enrolment comes next. */
  state: SessionState;
  user: { id: string; email: string; name: string; role: Role; businessUnitId: string };
  created: boolean;
  /** The console path the user asked for when the sign-in started. */
  returnTo: string;
}

/** What the IdP reported in the ID token and, where that lacks them, at the userinfo endpoint. */
async function claimsOf(config: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, provider: OidcProvider): Promise<Record<string, unknown>> {
  const idToken = tokens.claims();
  if (!idToken) throw new SsoRefusal('sso_failed', 'the identity provider returned no ID token');
  const complete = typeof idToken.email === 'string' && idToken[provider.groupClaim] !== undefined;
  if (complete || !config.serverMetadata().userinfo_endpoint) return { ...idToken };
  try {
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
    // The signed ID token wins where both say something.
    return { ...userinfo, ...idToken };
  } catch (error) {
    throw new SsoRefusal('sso_failed', `the userinfo request failed: ${(error as Error).message}`, { cause: error });
  }
}

/** openid-client wraps oauth4webapi's errors (ClientError → OperationProcessingError → details). */
function causeChain(error: unknown): { message?: string; code?: string; claim?: string; error?: string; error_description?: string }[] {
  const chain = [];
  for (let current = error as Record<string, unknown> | undefined, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    chain.push(current as { message?: string; code?: string; claim?: string; error?: string; error_description?: string });
    current = current.cause as Record<string, unknown> | undefined;
  }
  return chain;
}

function describeGrantError(error: unknown): SsoRefusal {
  const chain = causeChain(error);
  if (chain.some((e) => e.claim === 'nonce')) return new SsoRefusal('sso_failed', 'nonce mismatch: the ID token was not issued for this sign-in', { cause: error });
  const refused = chain.find((e) => typeof e.error === 'string');
  if (refused) return new SsoRefusal('sso_failed', `the token request was refused: ${refused.error}${refused.error_description ? ` (${refused.error_description.slice(0, 200)})` : ''}`, { cause: error });
  const messages = [...new Set(chain.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m.length > 0))];
  return new SsoRefusal('sso_failed', `code exchange or ID token validation failed: ${(messages.join(': ') || String(error)).slice(0, 300)}`, { cause: error });
}

/**
 * The login in flight this callback belongs to, used up: it must exist, be unexpired, belong to
 * this provider, and have been started by this browser (the state cookie it set). Deleting it
 * first makes a replayed callback find nothing.
 */
async function takeTransaction(providerId: string, state: string | null, browserState: string | null, now: Date): Promise<OidcTransaction> {
  if (!state) throw new SsoRefusal('sso_state', 'wrong state: the callback carries no state parameter');
  const id = sha256Hex(state);
  const transaction = await OidcTransactionModel.findById(id).lean();
  const taken = transaction ? (await OidcTransactionModel.deleteOne({ _id: id })).deletedCount === 1 : false;
  if (!transaction || !taken) throw new SsoRefusal('sso_state', 'wrong state: no sign-in in flight has this state (unknown, already used or cleaned up)');
  if (transaction.providerId !== providerId) throw new SsoRefusal('sso_state', `wrong state: the sign-in was started for provider ${transaction.providerId}`);
  if (!browserState || !equalSecrets(browserState, state)) throw new SsoRefusal('sso_state', 'wrong state: this browser did not start the sign-in (state cookie missing or different)');
  if (transaction.expiresAt <= now) throw new SsoRefusal('sso_state', 'wrong state: the sign-in took too long and expired');
  return transaction;
}

/**
 * The provider's answer, verified: the code exchanged with the PKCE verifier at the token endpoint
 * (the redirect URI repeated exactly), the ID token checked (signature from the IdP's JWKS, issuer,
 * audience, expiry, the nonce of this sign-in), and the user's claims.
 */
async function verifiedClaims(providerId: string, transaction: OidcTransaction, params: URLSearchParams): Promise<{ provider: OidcProvider; claims: Record<string, unknown> }> {
  const provider = await OidcProviderModel.findById(providerId).lean();
  if (!provider || !provider.enabled) throw new SsoRefusal('sso_unavailable', `SSO provider ${providerId} is unknown or disabled`);
  let config: oidc.Configuration;
  try {
    config = await oidcClientConfiguration(provider);
  } catch (error) {
    throw new SsoRefusal('sso_idp_unreachable', `discovery at ${provider.issuer} failed: ${(error as Error).message}`, { cause: error });
  }
  if (typeof transaction.codeVerifier !== 'string') throw new SsoRefusal('sso_failed', 'the PKCE code verifier of this sign-in could not be decrypted');
  const callbackUrl = new URL(transaction.redirectUri);
  callbackUrl.search = params.toString();
  let tokens;
  try {
    tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: transaction.codeVerifier,
      expectedState: params.get('state') ?? '',
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw describeGrantError(error);
  }
  return { provider, claims: await claimsOf(config, tokens, provider) };
}

/**
 * Handles the IdP's redirect back (authorization code flow with PKCE): checks the state against
 * the login in flight and the browser, exchanges the code with the PKCE verifier, validates the
 * ID token (signature, issuer, audience, expiry, nonce), maps the groups to a role and unit,
 * finds or creates the user and starts a session. Every outcome is audited (`auth.login`,
 * method "oidc"); a refusal returns a short code for the sign-in page and the reason.
 */
export async function completeSsoLogin(options: {
  providerId: string;
  /** The callback's query parameters (code, state, iss, or error). */
  params: URLSearchParams;
  /** The state from the cookie set when the sign-in started. */
  browserState: string | null;
  meta: RequestMeta;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<SsoLoginSuccess | SsoFailure> {
  const now = options.now ?? new Date();
  const { providerId, params } = options;
  let known: { email?: string; userId?: string } = {};
  try {
    const transaction = await takeTransaction(providerId, params.get('state'), options.browserState, now);
    const idpError = params.get('error');
    if (idpError) {
      const description = params.get('error_description');
      throw new SsoRefusal('sso_denied', `the identity provider answered ${idpError.slice(0, 100)}${description ? ` (${description.slice(0, 200)})` : ''}`);
    }
    const { provider, claims } = await verifiedClaims(providerId, transaction, params);
    const identity = identityOfClaims(claims);
    known = { email: identity.email };
    const groups = groupsOfClaims(claims, provider.groupClaim);
    const access = mapSsoAccess(provider, groups);
    if (!access) {
      throw new SsoRefusal('sso_no_access', `no matching group: none of the user's groups (${groups.slice(0, 20).join(', ') || 'none'}) in claim "${provider.groupClaim}" is mapped, and the provider has no default role`);
    }
    if (!(await BusinessUnitModel.exists({ _id: access.businessUnitId }))) {
      throw new SsoRefusal('sso_no_access', `the mapping places the user in business unit ${access.businessUnitId}, which no longer exists`);
    }
    const { user, created } = await provisionSsoUser({ providerId, identity, access, ip: options.meta.ip });
    known = { email: user.email, userId: user._id };

    // The IdP owns the second factor unless the provider opts into the local MFA policy.
    const state: SessionState = !provider.applyMfaPolicy ? 'active' : user.mfa.enabled ? 'mfa-pending' : mfaRequiredFor(await readAuthSettings(), user.role) ? 'mfa-enrolment' : 'active';
    if (state === 'active') await UserModel.updateOne({ _id: user._id }, { $set: { lastLoginAt: now } });
    const session = await createSession({ userId: user._id, state, authMethod: 'oidc', meta: options.meta, sessionConfig: options.sessionConfig, now });
    await recordAudit({
      actor: { type: 'user', id: user._id, email: user.email },
      action: 'auth.login',
      target: { type: 'user', id: user._id, label: user.email },
      ip: options.meta.ip,
      outcome: 'success',
      details: { method: 'oidc', provider: providerId, group: access.group, role: access.role, created, next: state === 'active' ? null : state },
      businessUnitId: user.businessUnitId,
    });
    return { ok: true, ...session, state, created, returnTo: transaction.returnTo, user: { id: user._id, email: user.email, name: user.name, role: user.role, businessUnitId: user.businessUnitId } };
  } catch (error) {
    // An unexpected error is audited as a failed sign-in too, then left to the transport to log.
    const refusal = error instanceof SsoRefusal ? error : new SsoRefusal('sso_failed', 'internal error during sign-in (see the server log)');
    await recordAudit({
      actor: { type: 'anonymous', ...(known.email ? { email: known.email } : {}) },
      action: 'auth.login',
      ...(known.email ? { target: { type: 'user', id: known.userId, label: known.email } } : {}),
      ip: options.meta.ip,
      outcome: 'failure',
      reason: refusal.message,
      details: { method: 'oidc', provider: providerId, code: refusal.code },
    });
    if (refusal !== error) throw error;
    return { ok: false, code: refusal.code, reason: refusal.message };
  }
}
