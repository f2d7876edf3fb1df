import { parseCookies, sessionCookies } from '../../../../../../server/auth/cookies';
import { requestMetaOf } from '../../../../../../server/auth/request-meta';
import { getConsoleRuntime } from '../../../../../../server/runtime/console-runtime';
import { completeSsoLogin } from '../../../../../../server/services/sso/complete-sso-login';
import { SSO_STATE_COOKIE, clearedSsoStateCookie, loginPageWithError, redirectTo } from '../../oidc-http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The identity provider's redirect back. Signed in: session cookies and a 302 to where the user
 * was going (or to /login for the TOTP step when the provider applies the MFA policy). Refused:
 * a 302 to /login?error=<code>; the reason is in the audit log and the server log.
 */
export async function GET(request: Request, context: { params: Promise<{ provider: string }> }): Promise<Response> {
  const { provider } = await context.params;
  const runtime = await getConsoleRuntime();
  const cleared = clearedSsoStateCookie();
  try {
    const result = await completeSsoLogin({
      providerId: provider,
      params: new URL(request.url).searchParams,
      browserState: parseCookies(request.headers.get('cookie')).get(SSO_STATE_COOKIE) ?? null,
      meta: requestMetaOf(request.headers),
      sessionConfig: runtime.config.session,
    });
    if (!result.ok) {
      runtime.log.warn({ provider, code: result.code, reason: result.reason }, 'single sign-on refused');
      return redirectTo(loginPageWithError(result.code), [cleared]);
    }
    const cookies = [cleared, ...sessionCookies({ token: result.token, csrfToken: result.session.csrfToken, absoluteExpiresAt: result.session.absoluteExpiresAt })];
    const next = result.returnTo === '/' ? '' : `?next=${encodeURIComponent(result.returnTo)}`;
    return redirectTo(result.state === 'active' ? result.returnTo : `/login${next}`, cookies);
  } catch (error) {
    runtime.log.error({ provider, err: (error as Error).message }, 'single sign-on callback failed');
    return redirectTo(loginPageWithError('sso_failed'), [cleared]);
  }
}
