import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID provider (panva's `oidc-provider`, the certified implementation) on loopback,
 * for the single-sign-on tests: one confidential client (client_secret_basic) that must use PKCE,
 * accounts with a `groups` claim, and the library's own development login form
 * (`devInteractions`: any password is accepted for a known login). Consent is pre-granted, as
 * an organisation's IdP does for its own applications.
 */
export interface TestIdpAccount {
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface RunningIdp {
  /** http://127.0.0.1:<port> (plain http: Vigil allows that for loopback issuers only). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Keyed by login (the `sub`); change an entry to change what the next sign-in reports. */
  accounts: Map<string, TestIdpAccount>;
  stop(): Promise<void>;
}

export const TEST_IDP_SCOPES = ['openid', 'email', 'profile', 'groups'];

export async function startTestIdp(options: { redirectUris: string[]; clientSecret: string; accounts: Record<string, TestIdpAccount> }): Promise<RunningIdp> {
  const accounts = new Map(Object.entries(options.accounts));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'vigil-console';

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    scopes: TEST_IDP_SCOPES,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['vigil-test-idp-cookie-key'] },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.emailVerified ?? true, name: account.name, groups: account.groups }),
      };
    },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { provider, session, client } = ctx.oidc;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return provider.Grant.find(grantId);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(TEST_IDP_SCOPES.join(' '));
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret: options.clientSecret,
    accounts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface StoredCookie {
  host: string;
  path: string;
  name: string;
  value: string;
}

/** Just enough of a browser's cookie store: host and path matching, deletion by Max-Age=0. */
export class CookieJar {
  private readonly cookies: StoredCookie[] = [];

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      if (index <= 0) continue;
      const cookie: StoredCookie = { host: url.host, path: '/', name: pair.slice(0, index), value: pair.slice(index + 1) };
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=');
        if (/^path$/i.test(key)) cookie.path = value || '/';
        if (/^max-age$/i.test(key) && Number(value) <= 0) expired = true;
        if (/^expires$/i.test(key) && Date.parse(value) <= Date.now()) expired = true;
      }
      const existing = this.cookies.findIndex((c) => c.host === cookie.host && c.path === cookie.path && c.name === cookie.name);
      if (existing >= 0) this.cookies.splice(existing, 1);
      if (!expired) this.cookies.push(cookie);
    }
  }

  get(url: URL, name: string): string | undefined {
    return this.matching(url).find((c) => c.name === name)?.value;
  }

  header(url: URL): string {
    return this.matching(url)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private matching(url: URL): StoredCookie[] {
    return this.cookies.filter((c) => c.host === url.host && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)));
  }
}

export interface HttpAnswer {
  status: number;
  location: string | null;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request as a browser would send it (its cookies, no automatic redirects), storing the
 * cookies of the answer. `ca` is the console's internal CA, so its certificate is verified.
 */
export function browserRequest(
  jar: CookieJar,
  target: string | URL,
  options: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string>; ca?: string } = {},
): Promise<HttpAnswer> {
  const url = new URL(target);
  const body = options.form ? new URLSearchParams(options.form).toString() : options.json !== undefined ? JSON.stringify(options.json) : undefined;
  const headers: Record<string, string> = { 'user-agent': 'vigil-sso-test', ...options.headers };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) {
    headers['content-type'] = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        jar.store(url, response.headers['set-cookie'] ?? []);
        const location = response.headers.location ? new URL(response.headers.location, url).href : null;
        resolve({ status: response.statusCode ?? 0, location, headers: response.headers, body: text });
      });
    });
    request.setTimeout(20_000, () => request.destroy(new Error(`timeout: ${url.href}`)));
    request.once('error', reject);
    request.end(body);
  });
}

/**
 * Plays the user at the IdP, starting from the authorization URL the console redirected to:
 * follows the IdP's redirects, fills its login form with `login` (or presses its Cancel link,
 * `login: null`), and returns the URL the IdP finally sends the browser to (the console's callback).
 */
export async function signInAtIdp(jar: CookieJar, authorizationUrl: string, login: string | null): Promise<string> {
  const idpOrigin = new URL(authorizationUrl).origin;
  let next = authorizationUrl;
  for (let step = 0; step < 10; step++) {
    const answer = await browserRequest(jar, next);
    if (answer.location) {
      if (new URL(answer.location).origin !== idpOrigin) return answer.location;
      next = answer.location;
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(answer.body)?.[1];
    if (answer.status !== 200 || !action || !answer.body.includes('name="login"')) {
      throw new Error(`unexpected IdP answer ${answer.status} at ${next}: ${answer.body.slice(0, 300)}`);
    }
    const cancel = /<a href="([^"]+)">\[ Cancel \]<\/a>/.exec(answer.body)?.[1];
    if (login === null && !cancel) throw new Error(`the IdP login page has no Cancel link: ${answer.body.slice(0, 300)}`);
    const submitted =
      login === null
        ? await browserRequest(jar, new URL(cancel!.replace(/&amp;/g, '&'), next))
        : await browserRequest(jar, new URL(action.replace(/&amp;/g, '&'), next), { form: { prompt: 'login', login, password: 'any password' } });
    if (!submitted.location) throw new Error(`the IdP login form answered ${submitted.status}: ${submitted.body.slice(0, 300)}`);
    next = submitted.location;
    if (new URL(next).origin !== idpOrigin) return next;
  }
  throw new Error('the IdP did not send the browser back within 10 steps');
}
