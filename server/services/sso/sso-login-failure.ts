/**
 * Why a single-sign-on attempt was refused, as a short code the sign-in page turns into a message
 * (/login?error=<code>). The detailed reason goes to the audit log, not to the browser.
 */
export const SSO_FAILURE_CODES = [
  /** The provider does not exist or is disabled. */
  'sso_unavailable',
  /** The IdP's discovery document could not be read. */
  'sso_idp_unreachable',
  /** Missing, unknown, used or expired state, or a callback in another browser than the one that started. */
  'sso_state',
  /** The IdP answered with an error (the user cancelled, or the IdP refused the client). */
  'sso_denied',
  /** Code exchange or ID token validation failed (nonce mismatch included), or required claims are missing. */
  'sso_failed',
  /** None of the user's groups is mapped and the provider has no default role. */
  'sso_no_access',
  /** The e-mail address belongs to a local account or to a user of another provider. */
  'sso_account_conflict',
  'sso_account_disabled',
] as const;
export type SsoFailureCode = (typeof SSO_FAILURE_CODES)[number];

export interface SsoFailure {
  ok: false;
  code: SsoFailureCode;
  /** For the audit log and server logs. */
  reason: string;
}

/** Thrown inside the SSO services, turned into an SsoFailure (and an audit entry) at their edge. */
export class SsoRefusal extends Error {
  readonly code: SsoFailureCode;

  constructor(code: SsoFailureCode, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'SsoRefusal';
    this.code = code;
  }
}
