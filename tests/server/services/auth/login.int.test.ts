import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../../server/auth/cookies';
import { CLIENT_IP_HEADER } from '../../../../server/auth/request-meta';
import { isAppError } from '../../../../server/errors/app-error';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import { SessionModel } from '../../../../server/models/session.model';
import { UserModel } from '../../../../server/models/user.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { createApiToken } from '../../../../server/services/api-tokens/create-api-token';
import { resolveApiToken } from '../../../../server/services/api-tokens/resolve-api-token';
import { revokeApiToken } from '../../../../server/services/api-tokens/revoke-api-token';
import { authenticateRequest } from '../../../../server/services/auth/authenticate-request';
import { ACCOUNT_MAX_FAILURES, LOGIN_IP_MAX_FAILURES } from '../../../../server/services/auth/login-throttle';
import { loginWithPassword } from '../../../../server/services/auth/login-with-password';
import { removeExpiredSessions } from '../../../../server/services/auth/remove-expired-sessions';
import { AuthClaimModel } from '../../../../server/models/auth-claim.model';
import { createBusinessUnit } from '../../../../server/services/business-units/create-business-unit';
import { createUser } from '../../../../server/services/users/create-user';
import { updateUser } from '../../../../server/services/users/update-user';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { testContext } from '../../../helpers/trpc-context';

const { uri } = testDatabaseUri();
let runtime: Runtime;
const SESSION = { idleMinutes: 30, maxHours: 12 };
const PASSWORD = 'Correct-Horse-Battery-9';

const meta = (ip: string) => ({ ip, userAgent: 'vitest' });
const login = (email: string, password: string, ip = '127.0.0.10') => loginWithPassword({ email, password, meta: meta(ip), sessionConfig: SESSION });
const codeOf = async (work: Promise<unknown>) => work.then(() => 'ok', (error: unknown) => (isAppError(error) ? error.code : error instanceof TRPCError ? error.code : String(error)));
const auditFailures = (action: string) => AuditEntryModel.find({ action, outcome: 'failure' }).lean();

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await createUser({ acting: { system: true }, input: { email: 'Admin@Vigil.Test', role: 'admin', password: PASSWORD } });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('password sign-in', () => {
  it('stores an argon2id hash, never the password', async () => {
    const user = await UserModel.findOne({ email: 'admin@vigil.test' }).lean();
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(dumpContains(await rawDump(uri), PASSWORD)).toBe(false);
  });

  it('rejects passwords that break the policy, with the reasons', async () => {
    const weak = createUser({ acting: { system: true }, input: { email: 'weak@vigil.test', role: 'analyst', password: 'short' } });
    await expect(weak).rejects.toThrow(/at least 12 characters/);
    await expect(createUser({ acting: { system: true }, input: { email: 'weak@vigil.test', role: 'analyst', password: 'weakweakweak-weak' } })).rejects.toThrow(/account name/);
  });

  it('signs in case-insensitively and resolves the session from its cookie only', async () => {
    const result = await login('ADMIN@vigil.test', PASSWORD);
    expect(result.state).toBe('active');
    const stored = await SessionModel.findById(result.session._id).lean();
    expect(stored?.tokenHash).not.toContain(result.token);
    const auth = await authenticateRequest({ headers: new Headers({ cookie: `${SESSION_COOKIE}=${result.token}` }), sessionConfig: SESSION });
    expect(auth.principal).toMatchObject({ email: 'admin@vigil.test', role: 'admin', via: 'session', scope: { kind: 'units', businessUnitIds: ['root'] } });
  });

  it('gives a new session id at every sign-in', async () => {
    const first = await login('admin@vigil.test', PASSWORD);
    const second = await login('admin@vigil.test', PASSWORD);
    expect(first.session._id).not.toBe(second.session._id);
    expect(first.token).not.toBe(second.token);
  });

  it('answers the same for an unknown account and a wrong password, and audits the real reason', async () => {
    await expect(login('nobody@vigil.test', 'Whatever-password-1', '127.0.0.20')).rejects.toThrow('wrong e-mail or password');
    await expect(login('admin@vigil.test', 'Wrong-password-123', '127.0.0.20')).rejects.toThrow('wrong e-mail or password');
    const reasons = (await auditFailures('auth.login')).map((entry) => entry.reason);
    expect(reasons).toEqual(expect.arrayContaining(['unknown account', 'wrong password']));
    await UserModel.updateOne({ email: 'admin@vigil.test' }, { $set: { failedLogins: 0 } });
  });

  it('locks an account after repeated wrong passwords, even for the right one', async () => {
    await createUser({ acting: { system: true }, input: { email: 'victim@vigil.test', role: 'analyst', password: PASSWORD } });
    for (let i = 1; i < ACCOUNT_MAX_FAILURES; i++) expect(await codeOf(login('victim@vigil.test', `Wrong-password-${i}00`, `127.0.1.${i}`))).toBe('UNAUTHENTICATED');
    await expect(login('victim@vigil.test', 'Wrong-password-last', '127.0.1.9')).rejects.toThrow(/too many failed sign-ins for this account; try again in 15 minute/);
    expect(await codeOf(login('victim@vigil.test', PASSWORD, '127.0.1.10'))).toBe('RATE_LIMITED');
    expect((await auditFailures('auth.login')).some((entry) => entry.reason === 'account locked')).toBe(true);
    await updateUser({ acting: { system: true }, userId: String((await UserModel.findOne({ email: 'victim@vigil.test' }))!._id), input: { unlock: true } });
    expect((await login('victim@vigil.test', PASSWORD, '127.0.1.11')).state).toBe('active');
  });

  it('throttles an address that keeps failing, whichever accounts it tries', async () => {
    const ip = '127.0.2.1';
    for (let i = 0; i < LOGIN_IP_MAX_FAILURES; i++) await codeOf(login(`guess${i}@vigil.test`, 'Guessed-password-1', ip));
    expect(await codeOf(login('admin@vigil.test', PASSWORD, ip))).toBe('RATE_LIMITED');
    expect(await codeOf(login('admin@vigil.test', PASSWORD, '127.0.2.2'))).toBe('ok');
  });

  it('refuses a tampered, ended or expired session cookie', async () => {
    const { token, session } = await login('admin@vigil.test', PASSWORD);
    const authOf = (value: string) => authenticateRequest({ headers: new Headers({ cookie: `${SESSION_COOKIE}=${value}` }), sessionConfig: SESSION });
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await authOf(tampered)).rejection).toEqual({ kind: 'session', reason: 'session not recognised (ended, expired or tampered)' });

    await SessionModel.updateOne({ _id: session._id }, { $set: { idleExpiresAt: new Date(Date.now() - 1000) } });
    expect((await authOf(token)).rejection?.reason).toBe('session expired; sign in again');
    expect(await SessionModel.exists({ _id: session._id })).toBeNull();
  });

  it('audits a refused session cookie when it is used, and clears it', async () => {
    const cookies: string[] = [];
    const auth = await authenticateRequest({ headers: new Headers({ cookie: `${SESSION_COOKIE}=forged` }), sessionConfig: SESSION });
    const caller = createServerCaller({ ...testContext({ runtime, principal: null }), auth, setCookies: (values) => cookies.push(...values) });
    await expect(caller.auth.me()).rejects.toThrow('session not recognised');
    expect((await auditFailures('auth.session_rejected')).length).toBeGreaterThan(0);
    expect(cookies.some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=;`) && cookie.includes('Max-Age=0'))).toBe(true);
  });

  it('requires the CSRF token for cookie-authenticated mutations and refuses foreign origins', async () => {
    const { token, session } = await login('admin@vigil.test', PASSWORD);
    const headersWith = (extra: Record<string, string>) => new Headers({ cookie: `${SESSION_COOKIE}=${token}`, host: 'localhost:8443', [CLIENT_IP_HEADER]: '127.0.0.1', ...extra });
    const callerWith = async (headers: Headers) =>
      createServerCaller({ ...testContext({ runtime }), headers, auth: await authenticateRequest({ headers, sessionConfig: SESSION }) });
    expect(await codeOf((await callerWith(headersWith({}))).auth.logout())).toBe('FORBIDDEN');
    expect(await codeOf((await callerWith(headersWith({ [CSRF_HEADER]: session.csrfToken, origin: 'https://evil.example' }))).auth.logout())).toBe('FORBIDDEN');
    expect(await codeOf((await callerWith(headersWith({ [CSRF_HEADER]: session.csrfToken, origin: 'https://localhost:8443' }))).auth.logout())).toBe('ok');
    expect(await SessionModel.exists({ _id: session._id })).toBeNull();
  });

  it('removes expired sessions in the scheduled clean-up', async () => {
    const { session } = await login('admin@vigil.test', PASSWORD);
    await SessionModel.updateOne({ _id: session._id }, { $set: { absoluteExpiresAt: new Date(Date.now() - 1) } });
    await AuthClaimModel.create({ _id: 'expired-claim', holder: 'gone', expiresAt: new Date(Date.now() - 1) });
    const removed = await removeExpiredSessions();
    expect(removed.sessions).toBeGreaterThanOrEqual(1);
    expect(await SessionModel.exists({ _id: session._id })).toBeNull();
    expect(removed.claims).toBeGreaterThanOrEqual(1);
    expect(await AuthClaimModel.exists({ _id: 'expired-claim' })).toBeNull();
  });
});

describe('API tokens', () => {
  it('authenticate as Bearer, record last use, and stop working once revoked', async () => {
    const owner = (await authenticateRequest({ headers: new Headers({ cookie: `${SESSION_COOKIE}=${(await login('admin@vigil.test', PASSWORD)).token}` }), sessionConfig: SESSION })).principal!;
    const { token, metadata } = await createApiToken({ principal: owner, name: 'ci', meta: meta('127.0.0.1') });
    expect(token).toMatch(/^vgl_[\w-]{43}$/);
    expect(JSON.stringify(metadata)).not.toContain(token);
    expect(dumpContains(await rawDump(uri), token)).toBe(false);

    const bearer = await authenticateRequest({ headers: new Headers({ authorization: `Bearer ${token}` }), sessionConfig: SESSION });
    expect(bearer.principal).toMatchObject({ via: 'token', email: 'admin@vigil.test', tokenId: metadata.id });

    await revokeApiToken({ principal: owner, tokenId: metadata.id, meta: meta('127.0.0.1') });
    await expect(resolveApiToken({ token })).rejects.toThrow('API token not recognised, expired or revoked');
    const refused = await authenticateRequest({ headers: new Headers({ authorization: `Bearer ${token}` }), sessionConfig: SESSION });
    expect(refused.rejection?.kind).toBe('token');
  });

  it('are never wider than their owner: role and units are narrowed', async () => {
    const unit = await createBusinessUnit({ acting: { system: true }, input: { name: 'Payments', parentId: 'root' } });
    const analyst = await createUser({ acting: { system: true }, input: { email: 'analyst@vigil.test', role: 'analyst', businessUnitId: unit.id, password: PASSWORD } });
    const principal = (await authenticateRequest({ headers: new Headers({ cookie: `${SESSION_COOKIE}=${(await login('analyst@vigil.test', PASSWORD)).token}` }), sessionConfig: SESSION })).principal!;
    expect(await codeOf(createApiToken({ principal, name: 'too-wide', role: 'admin', meta: meta('127.0.0.1') }))).toBe('BAD_INPUT');
    expect(await codeOf(createApiToken({ principal, name: 'other-unit', businessUnitIds: ['root'], meta: meta('127.0.0.1') }))).toBe('BAD_INPUT');
    expect(await codeOf(createApiToken({ principal, name: 'auditor-view', role: 'auditor', meta: meta('127.0.0.1') }))).toBe('BAD_INPUT');
    const { token } = await createApiToken({ principal, name: 'fixes-only', role: 'remediation', meta: meta('127.0.0.1') });
    const tokenPrincipal = await resolveApiToken({ token });
    expect(tokenPrincipal.permissions).toContain('findings:remediate');
    expect(tokenPrincipal.permissions).not.toContain('scans:manage');
    expect(tokenPrincipal.scope).toEqual({ kind: 'units', businessUnitIds: [unit.id] });
    await updateUser({ acting: { system: true }, userId: analyst.id, input: { disabled: true } });
    await expect(resolveApiToken({ token })).rejects.toThrow(/not recognised/);
  });
});
