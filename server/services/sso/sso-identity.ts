import type { IDToken } from 'openid-client';
import { emailSchema } from '../users/user-input';
import { SsoRefusal } from './sso-login-failure';

export interface SsoIdentity {
  subject: string;
  email: string;
  name: string;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/**
 * Who the IdP says the user is. `sub` identifies them (per provider); the e-mail address is
 * required (it names the account in Vigil) and refused when the IdP says it is not verified.
 */
export function identityOfClaims(claims: IDToken | Record<string, unknown>): SsoIdentity {
  const subject = text(claims.sub);
  if (!subject) throw new SsoRefusal('sso_failed', 'the ID token has no subject');
  const parsed = emailSchema.safeParse(text(claims.email) ?? '');
  if (!parsed.success) throw new SsoRefusal('sso_failed', 'the identity provider sent no usable e-mail address (request the "email" scope)');
  if (claims.email_verified === false) throw new SsoRefusal('sso_failed', `the identity provider says ${parsed.data} is not verified`);
  const fullName = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  const name = text(claims.name) ?? (fullName || text(claims.preferred_username) || parsed.data);
  return { subject, email: parsed.data, name: name.slice(0, 200) };
}
