/**
 * Cookie names and attributes. `__Host-` makes the browser insist on Secure, Path=/ and no
 * Domain, so a sibling host cannot plant or read them.
 */
export const SESSION_COOKIE = '__Host-vigil_session';
/** Readable by the console's scripts, which echo it in the CSRF header (double submit). */
export const CSRF_COOKIE = '__Host-vigil_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const raw of (header ?? '').split(';')) {
    const part = raw.trim();
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index);
    if (!cookies.has(name)) cookies.set(name, part.slice(index + 1).trim());
  }
  return cookies;
}

export function serializeCookie(name: string, value: string, options: { httpOnly: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, 'Path=/', 'Secure', 'SameSite=Lax'];
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join('; ');
}

/** Set-Cookie values that start a session in the browser (session cookie lives as long as the session). */
export function sessionCookies(session: { token: string; csrfToken: string; absoluteExpiresAt: Date }, now: Date = new Date()): string[] {
  const maxAgeSeconds = Math.max(0, Math.floor((session.absoluteExpiresAt.getTime() - now.getTime()) / 1000));
  return [
    serializeCookie(SESSION_COOKIE, session.token, { httpOnly: true, maxAgeSeconds }),
    serializeCookie(CSRF_COOKIE, session.csrfToken, { httpOnly: false, maxAgeSeconds }),
  ];
}

export function clearedSessionCookies(): string[] {
  return [serializeCookie(SESSION_COOKIE, '', { httpOnly: true, maxAgeSeconds: 0 }), serializeCookie(CSRF_COOKIE, '', { httpOnly: false, maxAgeSeconds: 0 })];
}
