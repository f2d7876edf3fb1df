import { requestMetaOf } from '../../../../../../server/auth/request-meta';
import { getConsoleRuntime } from '../../../../../../server/runtime/console-runtime';
import { startSsoLogin } from '../../../../../../server/services/sso/start-sso-login';
import { consoleOrigin, loginPageWithError, redirectTo, ssoStateCookie } from '../../oidc-http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * "Sign in with …": starts the authorization code flow with PKCE and sends the browser to the
 * identity provider (302). `?next=/path` is where to land afterwards. Failures go back to the
 * sign-in page as /login?error=<code>.
 */
export async function GET(request: Request, context: { params: Promise<{ provider: string }> }): Promise<Response> {
  const { provider } = await context.params;
  const origin = consoleOrigin(request.headers);
  if (!origin) return new Response('bad Host header', { status: 400 });
  const runtime = await getConsoleRuntime();
  try {
    const started = await startSsoLogin({
      providerId: provider,
      origin,
      returnTo: new URL(request.url).searchParams.get('next'),
      encryption: runtime.encryption,
      meta: requestMetaOf(request.headers),
    });
    if (!started.ok) {
      runtime.log.warn({ provider, code: started.code, reason: started.reason }, 'single sign-on could not start');
      return redirectTo(loginPageWithError(started.code));
    }
    return redirectTo(started.authorizationUrl, [ssoStateCookie(started.state)]);
  } catch (error) {
    runtime.log.error({ provider, err: (error as Error).message }, 'single sign-on start failed');
    return redirectTo(loginPageWithError('sso_failed'));
  }
}
