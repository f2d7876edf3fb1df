import { describe, expect, it } from 'vitest';
import { CSRF_COOKIE, SESSION_COOKIE, parseCookies, sessionCookies } from '../../../server/auth/cookies';

describe('session cookies', () => {
  it('are HttpOnly (session), Secure, SameSite=Lax, host-only and live as long as the session', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const [session, csrf] = sessionCookies({ token: 'tok', csrfToken: 'csrf', absoluteExpiresAt: new Date(now.getTime() + 3600_000) }, now);
    expect(session).toBe(`${SESSION_COOKIE}=tok; Path=/; Secure; SameSite=Lax; HttpOnly; Max-Age=3600`);
    expect(csrf).toBe(`${CSRF_COOKIE}=csrf; Path=/; Secure; SameSite=Lax; Max-Age=3600`);
  });

  it('parse the first value of each name and ignore junk', () => {
    const cookies = parseCookies(`a=1; ${SESSION_COOKIE}=first; junk; ${SESSION_COOKIE}=second; =x`);
    expect(cookies.get(SESSION_COOKIE)).toBe('first');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.size).toBe(2);
  });
});
