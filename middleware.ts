import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE } from './server/auth/cookies';
import { PATH_HEADER, loginHref } from './app/_lib/next-path';

/**
 * Pages need a signed-in user: a request without the session cookie goes to the sign-in page,
 * which brings the user back afterwards. Whether the cookie still names a live session is for
 * the server to decide (the console layout sends expired sessions to /login as well); this is
 * only the cheap first check. API routes answer 401 themselves and are not redirected.
 */
export function middleware(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const path = `${pathname}${search}`;
  // /setup (the first administrator, made with the setup token) is for visitors without an account.
  if (pathname !== '/login' && pathname !== '/setup' && !request.cookies.has(SESSION_COOKIE)) {
    return NextResponse.redirect(new URL(loginHref(path), request.url));
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Not: API routes, Next's own assets, the icon and other files with an extension.
  matcher: ['/((?!api/|_next/|favicon\\.ico$|icon\\.svg$|.*\\.[a-z0-9]+$).*)'],
};
