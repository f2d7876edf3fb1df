import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionModel } from '../../../../server/models/session.model';
import { UserModel } from '../../../../server/models/user.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { createCallerFactory, REAUTH_WINDOW_MS, router } from '../../../../server/trpc/init';
import { accountRouter } from '../../../../server/trpc/routers/account/account.router';
import { mfaRouter } from '../../../../server/trpc/routers/mfa/mfa.router';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { auditEntries, Client, codeAt, enrolled, newUser, PASSWORD } from './mfa-harness';

const { uri } = testDatabaseUri();
let runtime: Runtime;
let nextIp = 10;
const client = () => new Client(runtime, `127.0.113.${nextIp++}`);

/** Moves the session's last proof of identity out of the re-authentication window. */
async function ageReauthentication(browser: Client): Promise<void> {
  const session = (await browser.context()).auth.session!;
  await SessionModel.updateOne({ _id: session._id }, { $set: { reauthenticatedAt: new Date(Date.now() - REAUTH_WINDOW_MS - 60_000) } });
}

async function signedIn(user: { email: string; secret?: string }): Promise<Client> {
  const browser = client();
  const step = await browser.login(user.email);
  if (step.state === 'mfa-pending') await browser.run(async (api) => api.mfa.verify({ code: await codeAt(user.secret!) }));
  return browser;
}

const REAUTH_REQUIRED = { code: 'FORBIDDEN', cause: { code: 'REAUTH_REQUIRED' } };

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('re-authentication', () => {
  it('gates sensitive changes: refused once the window has passed, allowed again after a password or TOTP proof', async () => {
    const jo = await enrolled(runtime, 'jo');
    const browser = await signedIn(jo);
    // A fresh sign-in counts as a recent proof.
    expect((await browser.run((api) => api.mfa.regenerateRecoveryCodes())).recoveryCodes).toHaveLength(10);

    await ageReauthentication(browser);
    await expect(browser.run((api) => api.mfa.regenerateRecoveryCodes())).rejects.toMatchObject(REAUTH_REQUIRED);
    await expect(browser.run((api) => api.mfa.disable())).rejects.toMatchObject(REAUTH_REQUIRED);
    await expect(browser.run((api) => api.mfa.beginEnrolment())).rejects.toMatchObject(REAUTH_REQUIRED);
    await expect(browser.run((api) => api.account.changePassword({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }))).rejects.toMatchObject(REAUTH_REQUIRED);
    // Not sensitive: reading the state.
    expect(await browser.run((api) => api.mfa.status())).toMatchObject({ enabled: true });

    await expect(browser.run((api) => api.account.reauthenticate({ password: 'not my password' }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'wrong password' });
    await expect(browser.run((api) => api.account.reauthenticate({}))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(browser.run((api) => api.account.reauthenticate({ password: PASSWORD, code: '123456' }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const proof = await browser.run((api) => api.account.reauthenticate({ password: PASSWORD }));
    expect(proof.validUntil.getTime() - proof.reauthenticatedAt.getTime()).toBe(REAUTH_WINDOW_MS);
    const { recoveryCodes } = await browser.run((api) => api.mfa.regenerateRecoveryCodes());
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes).not.toEqual(expect.arrayContaining(jo.recoveryCodes.slice(0, 1)));

    await ageReauthentication(browser);
    await browser.run(async (api) => api.account.reauthenticate({ code: await codeAt(jo.secret, 1) }));
    expect(await browser.run((api) => api.mfa.disable())).toEqual({ enabled: false, requiredByPolicy: false });
    expect(await browser.run((api) => api.mfa.status())).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await UserModel.findById(jo.id).lean())!.mfa).toMatchObject({ enabled: false, secret: null, recoveryCodeHashes: [] });
    expect(await client().login(jo.email)).toMatchObject({ state: 'active' });

    expect((await auditEntries({ action: 'auth.reauthenticate', 'target.id': jo.id })).map((e) => [e.outcome, e.reason, e.details?.method])).toEqual([
      ['failure', 'wrong password', 'password'],
      ['success', null, 'password'],
      ['success', null, 'totp'],
    ]);
    expect(await auditEntries({ action: { $in: ['mfa.recovery_codes_regenerate', 'mfa.disable'] }, 'target.id': jo.id })).toHaveLength(3);
  });

  it('counts wrong re-authentication passwords toward the lockout', async () => {
    const kai = await newUser('kai');
    const browser = await signedIn(kai);
    for (let i = 0; i < 4; i++) await expect(browser.run((api) => api.account.reauthenticate({ password: 'guess guess guess' }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(browser.run((api) => api.account.reauthenticate({ password: 'guess guess guess' }))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await expect(browser.run((api) => api.account.reauthenticate({ password: PASSWORD }))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await UserModel.updateOne({ _id: kai.id }, { $set: { lockedUntil: null } });
  });

  it('is refused for API tokens and sessions of SSO accounts without MFA', async () => {
    const lu = await newUser('lu');
    const browser = await signedIn(lu);
    const context = await browser.context();
    const viaToken = { ...context, auth: { ...context.auth, principal: { ...context.auth.principal!, via: 'token' as const }, session: null } };
    const api = createCallerFactory(router({ account: accountRouter, mfa: mfaRouter }))(viaToken);
    await expect(api.account.reauthenticate({ password: PASSWORD })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(api.mfa.regenerateRecoveryCodes()).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/interactive session/) });

    await UserModel.updateOne({ _id: lu.id }, { $set: { authSource: 'oidc', passwordHash: null } });
    await expect(browser.run((api) => api.account.reauthenticate({ password: PASSWORD }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/single sign-on/) });
    await expect(browser.run((api) => api.account.reauthenticate({ code: '123456' }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not enabled/) });
  });
});

describe('password change', () => {
  it('needs the current password and a policy-conform new one, and ends the other sessions', async () => {
    const mo = await newUser('mo');
    const [here, elsewhere] = [await signedIn(mo), await signedIn(mo)];
    const change = (currentPassword: string, newPassword: string) => here.run((api) => api.account.changePassword({ currentPassword, newPassword }));

    await expect(change('not the password', 'a brand new passphrase')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'the current password is wrong' });
    await expect(change(PASSWORD, 'short')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/at least 12 characters/) });
    await expect(change(PASSWORD, PASSWORD)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/must differ/) });
    expect(await change(PASSWORD, 'a brand new passphrase')).toEqual({ endedSessions: 1 });

    await expect(elsewhere.run((api) => api.auth.me())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await here.run((api) => api.auth.me())).toMatchObject({ user: { email: mo.email } });
    await expect(client().login(mo.email)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await client().login(mo.email, 'a brand new passphrase')).toMatchObject({ state: 'active' });
    expect((await auditEntries({ action: 'account.password_change', 'target.id': mo.id })).map((e) => [e.outcome, e.reason?.replace(/:.*/, '') ?? null])).toEqual([
      ['failure', 'wrong current password'],
      ['failure', 'new password refused'],
      ['failure', 'new password refused'],
      ['success', null],
    ]);
  });
});

describe('MFA policy', () => {
  it('is set by administrators only, and applies from the next sign-in', async () => {
    const boss = await newUser('boss', 'admin');
    const admin = await signedIn(boss);
    expect(await admin.run((api) => api.settings.getAuthPolicy())).toEqual({ mfaRequired: 'off', mfaRoles: [], updatedAt: null });
    await expect(admin.run((api) => api.settings.setAuthPolicy({ mfaRequired: 'roles', mfaRoles: [] }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const analyst = await signedIn(await newUser('nia'));
    await expect(analyst.run((api) => api.settings.getAuthPolicy())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(analyst.run((api) => api.settings.setAuthPolicy({ mfaRequired: 'off' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const roles = await admin.run((api) => api.settings.setAuthPolicy({ mfaRequired: 'roles', mfaRoles: ['auditor', 'auditor'] }));
    expect(roles).toMatchObject({ mfaRequired: 'roles', mfaRoles: ['auditor'] });
    expect(await client().login((await newUser('oli', 'auditor')).email)).toMatchObject({ state: 'mfa-enrolment' });
    expect(await client().login((await newUser('pia')).email)).toMatchObject({ state: 'active' });
    expect(await auditEntries({ action: 'settings.auth_policy', outcome: 'success' })).toHaveLength(1);
  });

  it("'all' makes a user without MFA enrol before anything else, then signs them in afresh", async () => {
    const admin = await signedIn({ email: 'boss@vigil.test' });
    expect(await admin.run((api) => api.settings.setAuthPolicy({ mfaRequired: 'all' }))).toMatchObject({ mfaRequired: 'all' });
    // The current session is not cut off; the policy applies at sign-in.
    expect(await admin.run((api) => api.mfa.status())).toMatchObject({ enabled: false, requiredByPolicy: true });

    const quinn = await newUser('quinn');
    const browser = client();
    const step = await browser.login(quinn.email);
    expect(step.state).toBe('mfa-enrolment');
    const enrolmentToken = browser.token;
    await expect(browser.run((api) => api.auth.me())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(browser.run((api) => api.mfa.status())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(browser.run((api) => api.mfa.verify({ code: '123456' }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/set up two-factor/) });

    const start = await browser.run((api) => api.mfa.beginEnrolment());
    const secret = new URL(start.otpauthUri).searchParams.get('secret')!;
    const done = await browser.run(async (api) => api.mfa.confirmEnrolment({ code: await codeAt(secret) }));
    expect(done.recoveryCodes).toHaveLength(10);
    expect(done.signIn).toMatchObject({ state: 'active', user: { email: quinn.email } });
    expect(browser.token).not.toBe(enrolmentToken);
    expect(await browser.run((api) => api.auth.me())).toMatchObject({ user: { email: quinn.email, mfaEnabled: true } });
    expect(await SessionModel.countDocuments({ userId: quinn.id, state: 'mfa-enrolment' })).toBe(0);
    expect(await client().login(quinn.email)).toMatchObject({ state: 'mfa-pending' });

    // Turning MFA off under the policy is allowed (a new phone), but the next sign-in enrols again.
    expect(await browser.run((api) => api.mfa.disable())).toEqual({ enabled: false, requiredByPolicy: true });
    expect(await client().login(quinn.email)).toMatchObject({ state: 'mfa-enrolment' });
    await admin.run((api) => api.settings.setAuthPolicy({ mfaRequired: 'off' }));
    expect(await client().login(quinn.email)).toMatchObject({ state: 'active' });
    expect(await auditEntries({ action: 'settings.auth_policy' })).toHaveLength(3);
  });
});
