/**
 * Where to go after signing in. Only a path on this console is accepted ("/kb?q=x"), never another
 * origin ("//evil.example", "https://…", "/\\evil.example"), so the sign-in page cannot be used
 * as an open redirect.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000 || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return '/';
  try {
    const base = 'https://console.invalid';
    const url = new URL(raw, base);
    if (url.origin !== base) return '/';
    const path = `${url.pathname}${url.search}${url.hash}`;
    return path === '/login' || path.startsWith('/login?') || path.startsWith('/api/') ? '/' : path;
  } catch {
    return '/';
  }
}

/** The sign-in page, coming back to `next` afterwards (the dashboard needs no parameter). */
export function loginHref(next: string): string {
  const path = safeNextPath(next);
  return path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}

/** Request header in which the middleware tells server components which page was asked for. */
export const PATH_HEADER = 'x-vigil-path';
