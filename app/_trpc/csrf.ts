import { CSRF_COOKIE } from '../../server/auth/cookies';

export { CSRF_HEADER } from '../../server/auth/cookies';

/** The session's CSRF token, which mutations echo in a header (double submit); empty when signed out. */
export function readCsrfToken(): string {
  if (typeof document === 'undefined') return '';
  for (const part of document.cookie.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === CSRF_COOKIE) return part.slice(index + 1).trim();
  }
  return '';
}
