import { serializeCookie } from '../../../../server/auth/cookies';
import { SSO_TRANSACTION_LIFETIME_MS } from '../../../../server/services/sso/start-sso-login';

/**
 * Binds a sign-in in flight to the browser that started it: holds the `state`, and the callback
 * accepts only a state equal to it. Without it, a callback URL an attacker obtained for their own
 * IdP account could sign a victim into that account (login CSRF). SameSite=Lax still travels on
 * the IdP's top-level redirect back to the console.
 */
export const SSO_STATE_COOKIE = '__Host-vigil_sso_state';

export function ssoStateCookie(state: string): string {
  return serializeCookie(SSO_STATE_COOKIE, state, { httpOnly: true, maxAgeSeconds: Math.floor(SSO_TRANSACTION_LIFETIME_MS / 1000) });
}

export function clearedSsoStateCookie(): string {
  return serializeCookie(SSO_STATE_COOKIE, '', { httpOnly: true, maxAgeSeconds: 0 });
}

/** A host name, IPv4 or [IPv6] literal, with an optional port: nothing that could bend a URL. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The console's origin as the browser addressed it (the console serves HTTPS only), from which
 * the redirect URI is built. A forged Host header gains nothing: the IdP only sends codes to the
 * redirect URIs registered for the client.
 */
export function consoleOrigin(headers: Headers): string | null {
  const host = headers.get('host') ?? '';
  return HOST.test(host) ? `https://${host.toLowerCase()}` : null;
}

/** A 302 with a path on this console and the given cookies; never cached. */
export function redirectTo(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 302, headers });
}

export function loginPageWithError(code: string): string {
  return `/login?error=${encodeURIComponent(code)}`;
}
