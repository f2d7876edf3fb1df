import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../../../server/auth/cookies';
import { ACCOUNT_MAX_FAILURES } from '../../../server/services/auth/login-throttle';
import { cleanEnv, runVigil } from '../../helpers/cli';
import { startConsole, type RunningConsole } from '../../helpers/console';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../helpers/test-db';
import { cookieValue, restRequest, type RestResponse } from '../../helpers/rest-client';

/**
 * The REST API against a real `vigil start` (HTTPS on loopback, built console): the "Must show"
 * path of the identity issue, error statuses and the OpenAPI document.
 */

const { uri } = testDatabaseUri();
const ADMIN = { email: 'root-admin@vigil.test', password: 'Tall-Lighthouse-Orbit-47' };
const LOCKED = { email: 'forgetful@vigil.test', password: 'Quiet-Harbour-Signal-83' };

let server: RunningConsole;
let lockedUserId = '';
let api: string;
/** The admin's cookie session and a Bearer token for audit reads. */
const admin = { session: '', csrf: '', token: '' };

interface ErrorBody {
  message: string;
  code: string;
  data?: { appCode: string | null; fieldErrors: Record<string, string[]> | null };
}
const errorOf = (response: RestResponse) => response.json as ErrorBody;

const withCookie = (session: string, csrf?: string): Record<string, string> => ({
  cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrf ?? ''}`,
  ...(csrf ? { [CSRF_HEADER]: csrf } : {}),
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function login(credentials: { email: string; password: string }): Promise<RestResponse> {
  return restRequest(`${api}/auth/login`, { method: 'POST', body: credentials });
}

async function auditEntries(query: string): Promise<{ action: string; outcome: string; reason: string | null; actor: { email: string | null } }[]> {
  const response = await restRequest(`${api}/audit?${query}`, { headers: bearer(admin.token) });
  expect(response.status, response.text).toBe(200);
  return (response.json as { items: { action: string; outcome: string; reason: string | null; actor: { email: string | null } }[] }).items;
}

beforeAll(async () => {
  server = await startConsole({ mongodbUri: uri });
  api = `${server.url}/api/v1`;
  const created = await runVigil(['admin', 'create', '--email', ADMIN.email, '--name', 'Root Admin'], {
    env: cleanEnv({ VIGIL_DATA_DIR: server.dataDir, MONGODB_URI: uri }),
    input: `${ADMIN.password}\n`,
    timeoutMs: 90_000,
  });
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toMatch(/^created admin root-admin@vigil\.test \(id [0-9a-f]{24}\)\n$/);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await dropDatabase(uri);
});

describe('sign-in, session cookie and API tokens over REST', () => {
  it('POST /auth/login answers the user and sets HttpOnly; Secure; SameSite=Lax cookies', async () => {
    const response = await login(ADMIN);
    expect(response.status, response.text).toBe(200);
    const body = response.json as { state: string; user: { email: string; role: string }; csrfToken: string; expiresAt: string };
    expect(body).toMatchObject({ state: 'active', user: { email: ADMIN.email, role: 'admin' } });
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const sessionLine = response.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
    expect(sessionLine).toBeDefined();
    const attributes = sessionLine!.split(';').map((part) => part.trim());
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']));
    const csrfLine = response.setCookies.find((line) => line.startsWith(`${CSRF_COOKIE}=`));
    expect(csrfLine).not.toMatch(/HttpOnly/);

    admin.session = cookieValue(response.setCookies, SESSION_COOKIE)!;
    admin.csrf = cookieValue(response.setCookies, CSRF_COOKIE)!;
    expect(admin.csrf).toBe(body.csrfToken);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('GET /me answers 200 with the session cookie and 401 without credentials', async () => {
    const me = await restRequest(`${api}/me`, { headers: withCookie(admin.session) });
    expect(me.status, me.text).toBe(200);
    expect(me.json).toMatchObject({ user: { email: ADMIN.email, role: 'admin', businessUnitId: 'root' }, via: 'session', businessUnitIds: ['root'] });

    const anonymous = await restRequest(`${api}/me`);
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous)).toMatchObject({ code: 'UNAUTHORIZED', message: 'sign in first' });
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('a token created through the API authenticates as Bearer, and stops working once revoked', async () => {
    const created = await restRequest(`${api}/tokens`, { method: 'POST', headers: withCookie(admin.session, admin.csrf), body: { name: 'ci script', expiresInDays: 30 } });
    expect(created.status, created.text).toBe(200);
    const { token, metadata } = created.json as { token: string; metadata: { id: string; prefix: string; role: string; revokedAt: null } };
    expect(token).toMatch(/^vgl_/);
    expect(metadata).toMatchObject({ role: 'admin', revokedAt: null, prefix: token.slice(0, 10) });
    expect(created.text).not.toMatch(/tokenHash/);

    const me = await restRequest(`${api}/me`, { headers: bearer(token) });
    expect(me.status, me.text).toBe(200);
    expect(me.json).toMatchObject({ via: 'token', tokenId: metadata.id, session: null, user: { email: ADMIN.email } });

    const listed = await restRequest(`${api}/tokens`, { headers: bearer(token) });
    expect(listed.status).toBe(200);
    expect((listed.json as { items: { id: string }[] }).items.map((t) => t.id)).toContain(metadata.id);
    expect(listed.text).not.toContain(token);

    // A Bearer request needs no CSRF header, even for a change.
    const revoked = await restRequest(`${api}/tokens/${metadata.id}/revoke`, { method: 'POST', headers: bearer(token) });
    expect(revoked.status, revoked.text).toBe(200);

    const after = await restRequest(`${api}/me`, { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect(errorOf(after).message).toBe('API token not recognised, expired or revoked');
  });

  it('a token for audit reads; tokens cannot create tokens (interactive session only)', async () => {
    const created = await restRequest(`${api}/tokens`, { method: 'POST', headers: withCookie(admin.session, admin.csrf), body: { name: 'audit reader', role: 'auditor' } });
    expect(created.status, created.text).toBe(200);
    admin.token = (created.json as { token: string }).token;
    const roles = await restRequest(`${api}/me`, { headers: bearer(admin.token) });
    expect(roles.json).toMatchObject({ user: { role: 'auditor' }, via: 'token' });

    const byToken = await restRequest(`${api}/tokens`, { method: 'POST', headers: bearer(admin.token), body: { name: 'nested' } });
    expect(byToken.status).toBe(403);
    expect(errorOf(byToken).message).toMatch(/interactive session/);
    // The auditor token reads but changes nothing.
    const mutate = await restRequest(`${api}/units`, { method: 'POST', headers: bearer(admin.token), body: { name: 'Nope', parentId: 'root' } });
    expect(mutate.status).toBe(403);
    expect(errorOf(mutate)).toMatchObject({ code: 'FORBIDDEN', data: { appCode: 'FORBIDDEN' } });
  });

  it('logout ends the session on the server: the same cookie gets 401 afterwards', async () => {
    const second = await login(ADMIN);
    const session = cookieValue(second.setCookies, SESSION_COOKIE)!;
    const csrf = cookieValue(second.setCookies, CSRF_COOKIE)!;
    const sessions = await restRequest(`${api}/sessions`, { headers: withCookie(session) });
    expect(sessions.status).toBe(200);
    const items = (sessions.json as { items: { id: string; current: boolean }[] }).items;
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(sessions.text).not.toMatch(/csrf|tokenHash/i);

    // A POST with no body and no content type is accepted as {}.
    const out = await restRequest(`${api}/auth/logout`, { method: 'POST', headers: withCookie(session, csrf) });
    expect(out.status, out.text).toBe(200);
    expect(out.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toMatch(/Max-Age=0/);
    expect((await restRequest(`${api}/me`, { headers: withCookie(session) })).status).toBe(401);
    // The admin's first session is untouched.
    expect((await restRequest(`${api}/me`, { headers: withCookie(admin.session) })).status).toBe(200);
  });
});

describe('bad input is rejected with a clear error and an audit entry', () => {
  it('wrong passwords: 401, then 429 once the account locks after five, each audited', async () => {
    const created = await restRequest(`${api}/users`, {
      method: 'POST',
      headers: withCookie(admin.session, admin.csrf),
      body: { email: LOCKED.email, name: 'Forgetful', role: 'analyst', password: LOCKED.password },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.text).not.toContain(LOCKED.password);
    lockedUserId = (created.json as { id: string }).id;

    const statuses: number[] = [];
    for (let attempt = 1; attempt <= ACCOUNT_MAX_FAILURES + 1; attempt++) {
      const response = await login({ email: LOCKED.email, password: `Wrong-Guess-Number-${attempt}` });
      statuses.push(response.status);
      if (response.status === 401) expect(errorOf(response).message).toBe('wrong e-mail or password');
      if (response.status === 429) expect(errorOf(response)).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/too many failed sign-ins for this account; try again in \d+ minute/) });
    }
    expect(statuses).toEqual([...Array<number>(ACCOUNT_MAX_FAILURES - 1).fill(401), 429, 429]);
    // Locked means locked: the right password does not get in either.
    expect((await login(LOCKED)).status).toBe(429);

    const failures = await auditEntries(`action=auth.login&outcome=failure&actorEmail=${encodeURIComponent(LOCKED.email)}&sortBy=seq&sortDirection=asc`);
    expect(failures.map((entry) => entry.reason)).toEqual([
      ...Array<string>(ACCOUNT_MAX_FAILURES - 1).fill('wrong password'),
      'wrong password; account locked',
      'account locked',
      'account locked',
    ]);
  });

  it('a cookie mutation without the CSRF header is 403', async () => {
    const response = await restRequest(`${api}/tokens`, { method: 'POST', headers: withCookie(admin.session), body: { name: 'forged' } });
    expect(response.status).toBe(403);
    expect(errorOf(response).message).toBe(`missing or wrong CSRF token (send the ${CSRF_COOKIE} cookie's value in the ${CSRF_HEADER} header)`);
    const wrong = await restRequest(`${api}/sessions/end-others`, { method: 'POST', headers: { ...withCookie(admin.session), [CSRF_HEADER]: 'not-the-token' } });
    expect(wrong.status).toBe(403);
  });

  it('a tampered session cookie is 401, clears the cookie and is audited as auth.session_rejected', async () => {
    const last = admin.session.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${admin.session.slice(0, -1)}${last}`;
    const response = await restRequest(`${api}/me`, { headers: withCookie(tampered) });
    expect(response.status).toBe(401);
    expect(errorOf(response).message).toBe('session not recognised (ended, expired or tampered)');
    expect(response.setCookies.some((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
    const rejected = await auditEntries('action=auth.session_rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]).toMatchObject({ outcome: 'failure', reason: 'session not recognised (ended, expired or tampered)' });
  });

  it('invalid JSON and invalid input are 400 with a message naming the problem', async () => {
    const broken = await restRequest(`${api}/auth/login`, { method: 'POST', rawBody: '{"email": "a@b.c", ', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(errorOf(broken)).toMatchObject({ code: 'PARSE_ERROR', message: 'the request body is not valid JSON' });

    const invalid = await login({ email: 'not-an-address', password: '' });
    expect(invalid.status).toBe(400);
    expect(errorOf(invalid).code).toBe('BAD_REQUEST');
    expect(errorOf(invalid).message).toMatch(/^invalid input: email: must be an e-mail address; password: is required$/);
    expect(errorOf(invalid).data?.fieldErrors).toEqual({ email: ['must be an e-mail address'], password: ['is required'] });

    const badQuery = await restRequest(`${api}/audit?pageSize=5000&outcome=maybe`, { headers: bearer(admin.token) });
    expect(badQuery.status).toBe(400);
    expect(errorOf(badQuery).message).toMatch(/pageSize: .*200/);
    expect(errorOf(badQuery).message).toMatch(/outcome: /);

    const weak = await restRequest(`${api}/users`, { method: 'POST', headers: withCookie(admin.session, admin.csrf), body: { email: 'weak@vigil.test', role: 'analyst', password: 'short' } });
    expect(weak.status).toBe(400);
    expect(errorOf(weak)).toMatchObject({ code: 'BAD_REQUEST', message: 'password must be at least 12 characters', data: { appCode: 'BAD_INPUT' } });

    // Only a JSON boolean disables a user: the string "false" must not read as true.
    const stringly = await restRequest(`${api}/users/${lockedUserId}`, { method: 'PATCH', headers: withCookie(admin.session, admin.csrf), body: { disabled: 'false' } });
    expect(stringly.status).toBe(400);
    expect(errorOf(stringly).message).toBe('invalid input: disabled: must be true or false');

    const notJson = await restRequest(`${api}/auth/login`, { method: 'POST', rawBody: 'email=a', headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(415);
  });

  it('unknown records and routes are 404, duplicates 409', async () => {
    const user = await restRequest(`${api}/users/0123456789abcdef01234567`, { headers: withCookie(admin.session) });
    expect(user.status).toBe(404);
    expect(errorOf(user).message).toBe('user 0123456789abcdef01234567 not found');
    expect((await restRequest(`${api}/nothing-here`, { headers: withCookie(admin.session) })).status).toBe(404);
    const again = await restRequest(`${api}/users`, { method: 'POST', headers: withCookie(admin.session, admin.csrf), body: { email: LOCKED.email, role: 'analyst', password: LOCKED.password } });
    expect(again.status).toBe(409);
  });

  it('stores no password or token in clear', async () => {
    const dump = await rawDump(uri);
    for (const secret of [ADMIN.password, LOCKED.password, admin.token, admin.session]) expect(dumpContains(dump, secret)).toBe(false);
  });
});

describe('GET /api/v1/openapi.json', () => {
  interface Operation {
    operationId: string;
    security?: Record<string, string[]>[];
    parameters?: { in: string; name: string; required?: boolean }[];
    responses: Record<string, unknown>;
  }
  interface Document {
    openapi: string;
    info: { title: string; version: string };
    servers: { url: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
  }

  it('is an OpenAPI 3.x document with every route, its parameters and both security schemes', async () => {
    const response = await restRequest(`${api}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = response.json as Document;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Vigil API' });
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      cookie: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }),
    });

    const routes = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /auth/login',
        'POST /auth/logout',
        'GET /me',
        'GET /sessions',
        'DELETE /sessions/{id}',
        'POST /sessions/end-others',
        'GET /tokens',
        'POST /tokens',
        'POST /tokens/{id}/revoke',
        'GET /users',
        'POST /users',
        'GET /users/{id}',
        'PATCH /users/{id}',
        'GET /units',
        'POST /units',
        'GET /units/{id}',
        'PATCH /units/{id}',
        'DELETE /units/{id}',
        'GET /credentials',
        'GET /credentials/{id}',
        'GET /audit',
        'GET /roles',
      ]),
    );

    const operationIds = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        expect(operationIds.has(operation.operationId), where).toBe(false);
        operationIds.add(operation.operationId);
        expect(operation.responses['200'], where).toBeDefined();
        for (const name of pathParams) expect(operation.parameters, where).toContainEqual(expect.objectContaining({ in: 'path', name, required: true }));
        for (const requirement of operation.security ?? []) for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme], where).toBeDefined();
      }
    }
    expect(doc.paths['/auth/login']!.post!.security).toBeUndefined();
    expect(doc.paths['/me']!.get!.security).toEqual([{ bearer: [] }, { cookie: [] }]);

    // Every $ref points at something in the document.
    const refs = [...response.text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((match) => match[1]!);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, ref).toBeDefined();
    }
  });
});
