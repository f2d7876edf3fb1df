import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../../server/auth/cookies';
import type { Permission, Role } from '../../server/auth/permissions';
import type { RunningConsole } from './console';
import { cookieValue, restRequest } from './rest-client';
import type { TestAccount } from './sign-in';

/**
 * API tokens of an account, made as a person makes them: a REST sign-in (a fresh session, so the sensitive
 * token creation is allowed) and `POST /api/v1/tokens`. Each token is returned once, as the API answers it.
 */
export async function createApiTokens(consoleServer: RunningConsole, account: Pick<TestAccount, 'email' | 'password'>, tokens: { name: string; role?: Role; permissions?: Permission[] }[]): Promise<string[]> {
  const api = `${consoleServer.url}/api/v1`;
  const login = await restRequest(`${api}/auth/login`, { method: 'POST', body: { email: account.email, password: account.password } });
  if (login.status !== 200) throw new Error(`sign-in of ${account.email} failed: ${login.status} ${login.text}`);
  const session = cookieValue(login.setCookies, SESSION_COOKIE)!;
  const csrf = cookieValue(login.setCookies, CSRF_COOKIE)!;
  const made: string[] = [];
  for (const token of tokens) {
    const created = await restRequest(`${api}/tokens`, {
      method: 'POST',
      headers: { cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrf}`, [CSRF_HEADER]: csrf },
      body: { name: token.name, expiresInDays: 1, ...(token.role ? { role: token.role } : {}), ...(token.permissions ? { permissions: token.permissions } : {}) },
    });
    if (created.status !== 200) throw new Error(`token ${token.name} not created: ${created.status} ${created.text}`);
    made.push((created.json as { token: string }).token);
  }
  return made;
}
