/**
 * Where to land after signing in: only a path on this console, never another origin (`//host`,
 * `/\\host`, `https://…`), nor the sign-in page or an API route; anything else becomes "/".
 */
export function ssoReturnPath(raw: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (!raw || raw.length > 2000 || !/^\/(?![/\\])/.test(raw) || /[\u0000-\u001f\u007f]/.test(raw)) return '/';
  const base = new URL('https://console.invalid');
  const url = new URL(raw, base);
  if (url.origin !== base.origin || url.pathname === '/login' || url.pathname.startsWith('/api/')) return '/';
  return `${url.pathname}${url.search}`;
}
