import { createHash } from 'node:crypto';
import { Binary } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../../server/auth/cookies';
import { CookieJar, browserRequest, signInAtIdp } from '../../../helpers/oidc-provider';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { ADMIN, CLIENT_SECRET, PROVIDER_ID, PROVIDER_NAME, SECOPS_UNIT, startSsoTestBed, type SsoTestBed, type StringIdDoc } from './sso-test-bed';

/**
 * Single sign-on end to end, in Node: the real console (`vigil start`, HTTPS) and a real OpenID
 * provider on loopback; the test plays the browser, cookies and all, through the authorization
 * code flow with PKCE.
 */
const { uri } = testDatabaseUri();
let bed: SsoTestBed;

interface Me {
  user: { email: string; role: string; businessUnitId: string; authSource: string };
  session: { authMethod: string } | null;
}

interface AuditRow {
  seq: number;
  action: string;
  outcome: string;
  reason: string | null;
  actor: { type: string; email: string | null };
  details: Record<string, unknown> | null;
}

/** The sign-in up to the IdP: the console's redirect, the state it put in the URL and in its cookie. */
async function startLogin(jar: CookieJar) {
  const start = await browserRequest(jar, `${bed.console.url}/api/auth/oidc/${PROVIDER_ID}/login`, { ca: bed.ca });
  expect(start.status).toBe(302);
  const authorizationUrl = new URL(start.location!);
  expect(authorizationUrl.origin).toBe(bed.idp.issuer);
  return { authorizationUrl: authorizationUrl.href, state: authorizationUrl.searchParams.get('state')!, params: authorizationUrl.searchParams };
}

/** Back at the console with the IdP's answer; resolves to where the console sends the browser. */
async function callback(jar: CookieJar, callbackUrl: string) {
  const answer = await browserRequest(jar, callbackUrl, { ca: bed.ca });
  expect(answer.status).toBe(302);
  return new URL(answer.location!);
}

const transactionId = (state: string) => createHash('sha256').update(state).digest('hex');

async function signInAs(login: string, jar = new CookieJar()) {
  const { authorizationUrl, state } = await startLogin(jar);
  const landing = await callback(jar, await signInAtIdp(jar, authorizationUrl, login));
  return { jar, landing, state };
}

const lastAudit = (filter: Record<string, unknown>): Promise<AuditRow | null> =>
  bed.withDb((db) => db.collection<AuditRow>('audit_log').find(filter).sort({ seq: -1 }).limit(1).next());

beforeAll(async () => {
  bed = await startSsoTestBed({ uri });
}, 180_000);

afterAll(async () => {
  await bed?.stop();
  await dropDatabase(uri);
}, 60_000);

describe('single sign-on (OpenID Connect, code flow with PKCE)', () => {
  it('sends the browser to the IdP with PKCE (S256), state, nonce and the HTTPS redirect URI', async () => {
    const { params, state } = await startLogin(new CookieJar());
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(bed.idp.clientId);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(params.get('redirect_uri')).toBe(`https://localhost:${bed.console.port}/api/auth/oidc/${PROVIDER_ID}/callback`);
    expect(params.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'groups']));
    // The login in flight is stored under the state's hash, the PKCE verifier encrypted.
    const stored = await bed.withDb((db) => db.collection<StringIdDoc>('oidc_transactions').findOne({ _id: transactionId(state) }));
    expect(stored?.providerId).toBe(PROVIDER_ID);
    expect(stored?.codeVerifier).toBeInstanceOf(Binary);
    expect((stored?.codeVerifier as Binary).sub_type).toBe(6);
  });

  it('signs a new user in: JIT account with the mapped role and unit, an oidc session, audited', async () => {
    const { jar, landing, state } = await signInAs('alice');
    expect(landing.pathname).toBe('/');
    expect(jar.get(new URL(bed.console.url), SESSION_COOKIE)).toMatch(/^[\w-]{43}$/);

    const me = await bed.trpc<Me>(jar, 'auth.me');
    expect(me.status).toBe(200);
    expect(me.data?.user).toMatchObject({ email: 'alice@corp.test', role: 'analyst', businessUnitId: SECOPS_UNIT, authSource: 'oidc' });
    expect(me.data?.session?.authMethod).toBe('oidc');

    const user = await bed.withDb((db) => db.collection('users').findOne({ email: 'alice@corp.test' }));
    expect(user).toMatchObject({ authSource: 'oidc', passwordHash: null, oidc: { providerId: PROVIDER_ID, subject: 'alice' } });
    const created = await lastAudit({ action: 'user.create', 'target.label': 'alice@corp.test' });
    expect(created?.details).toMatchObject({ source: 'oidc', provider: PROVIDER_ID, group: 'vigil-analysts', role: 'analyst' });
    const login = await lastAudit({ action: 'auth.login', outcome: 'success', 'actor.email': 'alice@corp.test' });
    expect(login?.details).toMatchObject({ method: 'oidc', provider: PROVIDER_ID, created: true });
    // The login in flight was used up.
    expect(await bed.withDb((db) => db.collection<StringIdDoc>('oidc_transactions').countDocuments({ _id: transactionId(state) }))).toBe(0);
  });

  it('applies the group mapping again at every sign-in (a changed group changes the role)', async () => {
    bed.idp.accounts.get('alice')!.groups = ['staff', 'vigil-admins'];
    const { jar } = await signInAs('alice');
    const me = await bed.trpc<Me>(jar, 'auth.me');
    expect(me.data?.user).toMatchObject({ email: 'alice@corp.test', role: 'admin', businessUnitId: 'root' });
    expect(await bed.withDb((db) => db.collection('users').countDocuments({ 'oidc.subject': 'alice' }))).toBe(1);
    const change = await lastAudit({ action: 'user.update', 'target.label': 'alice@corp.test' });
    expect(change?.details).toMatchObject({ source: 'oidc', role: 'admin', previousRole: 'analyst' });
    bed.idp.accounts.get('alice')!.groups = ['staff', 'vigil-analysts'];
  });

  it('leaves the second factor to the IdP unless the provider applies the local MFA policy', async () => {
    await bed.withDb((db) => db.collection<StringIdDoc>('settings').updateOne({ _id: 'auth' }, { $set: { mfaRequired: 'all', mfaRoles: [] } }, { upsert: true }));
    try {
      // Policy "MFA for everyone": an SSO sign-in is still complete after the IdP…
      const direct = await signInAs('alice');
      expect(direct.landing.pathname).toBe('/');
      // …until the provider opts in: then the session waits for TOTP enrolment on the sign-in page.
      expect((await bed.trpc(bed.adminJar, 'sso.update', { id: PROVIDER_ID, applyMfaPolicy: true }, 'mutation')).status).toBe(200);
      const { jar, landing } = await signInAs('alice');
      expect(landing.pathname).toBe('/login');
      expect(jar.get(new URL(bed.console.url), SESSION_COOKIE)).toBeDefined();
      expect((await bed.trpc(jar, 'auth.me')).status).toBe(401);
      expect((await lastAudit({ action: 'auth.login', outcome: 'success', 'actor.email': 'alice@corp.test' }))?.details).toMatchObject({ next: 'mfa-enrolment' });
    } finally {
      await bed.trpc(bed.adminJar, 'sso.update', { id: PROVIDER_ID, applyMfaPolicy: false }, 'mutation');
      await bed.withDb((db) => db.collection<StringIdDoc>('settings').deleteOne({ _id: 'auth' }));
    }
  });

  it('rejects a callback whose state is not the one this browser started with, with an audit entry', async () => {
    const jar = new CookieJar();
    const { authorizationUrl } = await startLogin(jar);
    const callbackUrl = new URL(await signInAtIdp(jar, authorizationUrl, 'alice'));
    callbackUrl.searchParams.set('state', 'forged-state-value');
    const landing = await callback(jar, callbackUrl.href);
    expect(landing.pathname).toBe('/login');
    expect(landing.searchParams.get('error')).toBe('sso_state');
    expect(jar.get(new URL(bed.console.url), SESSION_COOKIE)).toBeUndefined();
    const audit = await lastAudit({ action: 'auth.login', outcome: 'failure' });
    expect(audit?.reason).toMatch(/^wrong state: no sign-in in flight has this state/);
    expect(audit?.details).toMatchObject({ method: 'oidc', provider: PROVIDER_ID, code: 'sso_state' });
  });

  it('rejects a genuine callback opened in another browser (login CSRF), and a replayed one', async () => {
    const started = new CookieJar();
    const { authorizationUrl } = await startLogin(started);
    const callbackUrl = await signInAtIdp(started, authorizationUrl, 'alice');
    // Another browser has no state cookie: the attacker's callback cannot sign a victim in.
    const victim = new CookieJar();
    const landing = await callback(victim, callbackUrl);
    expect(landing.searchParams.get('error')).toBe('sso_state');
    expect((await lastAudit({ action: 'auth.login', outcome: 'failure' }))?.reason).toMatch(/this browser did not start the sign-in/);
    // The login in flight is used up by then: even the right browser cannot replay it.
    const replay = await callback(started, callbackUrl);
    expect(replay.searchParams.get('error')).toBe('sso_state');
    expect((await lastAudit({ action: 'auth.login', outcome: 'failure' }))?.reason).toMatch(/no sign-in in flight has this state/);
  });

  it('rejects an ID token whose nonce does not match the login in flight, with an audit entry', async () => {
    const jar = new CookieJar();
    const { authorizationUrl, state } = await startLogin(jar);
    const callbackUrl = await signInAtIdp(jar, authorizationUrl, 'alice');
    // Someone swapped the stored nonce: the ID token (carrying the original one) must not be accepted.
    const tampered = await bed.withDb((db) =>
      db.collection<StringIdDoc>('oidc_transactions').updateOne({ _id: transactionId(state) }, { $set: { nonce: 'tampered-nonce' } }),
    );
    expect(tampered.modifiedCount).toBe(1);
    const landing = await callback(jar, callbackUrl);
    expect(landing.pathname).toBe('/login');
    expect(landing.searchParams.get('error')).toBe('sso_failed');
    expect(jar.get(new URL(bed.console.url), SESSION_COOKIE)).toBeUndefined();
    const audit = await lastAudit({ action: 'auth.login', outcome: 'failure' });
    expect(audit?.reason).toMatch(/^nonce mismatch/);
    expect(audit?.actor.type).toBe('anonymous');
  });

  it('reports a sign-in the user cancelled at the IdP, with an audit entry', async () => {
    const jar = new CookieJar();
    const { authorizationUrl } = await startLogin(jar);
    const callbackUrl = new URL(await signInAtIdp(jar, authorizationUrl, null));
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    const landing = await callback(jar, callbackUrl.href);
    expect(landing.searchParams.get('error')).toBe('sso_denied');
    expect((await lastAudit({ action: 'auth.login', outcome: 'failure' }))?.reason).toMatch(/^the identity provider answered access_denied/);
  });

  it('refuses a user none of whose groups is mapped when the provider has no default role', async () => {
    const { jar, landing } = await signInAs('bob');
    expect(landing.searchParams.get('error')).toBe('sso_no_access');
    expect(jar.get(new URL(bed.console.url), SESSION_COOKIE)).toBeUndefined();
    const audit = await lastAudit({ action: 'auth.login', outcome: 'failure' });
    expect(audit?.reason).toMatch(/^no matching group: .*contractors/);
    expect(audit?.actor.email).toBe('bob@corp.test');
    expect(await bed.withDb((db) => db.collection('users').countDocuments({ email: 'bob@corp.test' }))).toBe(0);
  });

  it('does not link an IdP identity to an existing local account with the same e-mail', async () => {
    // Carol has a local account already; the IdP's carol (an admin group member) must not take it over.
    bed.idp.accounts.get('carol')!.email = ADMIN.email;
    const { jar, landing } = await signInAs('carol');
    expect(landing.searchParams.get('error')).toBe('sso_account_conflict');
    expect(jar.get(new URL(bed.console.url), SESSION_COOKIE)).toBeUndefined();
    expect((await lastAudit({ action: 'auth.login', outcome: 'failure' }))?.reason).toMatch(/local account with e-mail admin@vigil\.test exists; it is not linked/);
    const admin = await bed.withDb((db) => db.collection('users').findOne({ email: ADMIN.email }));
    expect(admin).toMatchObject({ authSource: 'local', oidc: null });
  });

  it('an SSO user cannot sign in with a password (they have none), with an audit entry', async () => {
    const attempt = await bed.trpc(new CookieJar(), 'auth.login', { email: 'alice@corp.test', password: 'Correct-Horse-Battery-9' }, 'mutation');
    expect(attempt.status).toBe(401);
    expect(attempt.error?.message).toBe('wrong e-mail or password');
    expect((await lastAudit({ action: 'auth.login', outcome: 'failure' }))?.reason).toBe('password sign-in for a single sign-on account');
  });

  it('sends the sign-in page an error code for an unknown provider', async () => {
    const answer = await browserRequest(new CookieJar(), `${bed.console.url}/api/auth/oidc/no-such-idp/login`, { ca: bed.ca });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${bed.console.url}/login?error=sso_unavailable`);
  });

  it('shows anyone the enabled providers by name only, and admins the configuration without the secret', async () => {
    const publicList = await bed.trpc<{ items: unknown[] }>(new CookieJar(), 'sso.listPublic');
    expect(publicList.data?.items).toEqual([{ id: PROVIDER_ID, displayName: PROVIDER_NAME, loginUrl: `/api/auth/oidc/${PROVIDER_ID}/login` }]);
    const list = await bed.trpc<{ items: Record<string, unknown>[] }>(bed.adminJar, 'sso.list');
    expect(list.data?.items).toHaveLength(1);
    expect(list.data?.items[0]).toMatchObject({ id: PROVIDER_ID, hasClientSecret: true, tokenAuthMethod: 'client_secret_basic', redirectPath: `/api/auth/oidc/${PROVIDER_ID}/callback` });
    expect(JSON.stringify(list.data)).not.toContain(CLIENT_SECRET);
    expect(list.data?.items[0]).not.toHaveProperty('clientSecret');
    const anonymous = await bed.trpc(new CookieJar(), 'sso.list');
    expect(anonymous.status).toBe(401);
  });

  it('keeps the client secret encrypted: a raw read of the database never finds it', async () => {
    const dump = await rawDump(uri);
    expect(dumpContains(dump, CLIENT_SECRET)).toBe(false);
    const stored = dump.oidc_providers?.[0];
    expect(stored?.clientSecret).toBeInstanceOf(Binary);
    expect((stored?.clientSecret as Binary).sub_type).toBe(6);
  });
});
