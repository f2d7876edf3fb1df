import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserModel } from '../../../../server/models/user.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { readMfaAccount } from '../../../../server/services/mfa/mfa-account';
import { useTotpCode } from '../../../../server/services/mfa/use-totp-code';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { auditEntries, awayFromStepEdge, Client, codeAt, enrolled, newUser, PASSWORD, secretOf } from './mfa-harness';

const { uri } = testDatabaseUri();
let runtime: Runtime;
/** Everything secret this file handed out, for the raw-dump check at the end. */
const secrets: string[] = [];
const recoveryCodes: string[] = [];

let nextIp = 10;
const client = () => new Client(runtime, `127.0.2.${nextIp++}`);

async function remember<T extends { secret: string; recoveryCodes: string[] }>(user: Promise<T>): Promise<T> {
  const made = await user;
  secrets.push(made.secret);
  recoveryCodes.push(...made.recoveryCodes);
  return made;
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('TOTP enrolment', () => {
  it('enrols from a signed-in session: QR code, a confirming code, ten recovery codes shown once', async () => {
    const ana = await newUser('ana');
    const browser = client();
    expect(await browser.login(ana.email)).toMatchObject({ state: 'active' });
    expect(await browser.run((api) => api.mfa.status())).toMatchObject({ enabled: false, pendingEnrolment: false, recoveryCodesLeft: 0 });

    const start = await browser.run((api) => api.mfa.beginEnrolment());
    const secret = secretOf(start.otpauthUri);
    secrets.push(secret);
    expect(start.otpauthUri).toMatch(/^otpauth:\/\/totp\/Vigil:ana%40vigil\.test\?/);
    expect(start.manualEntryKey.replaceAll(' ', '')).toBe(secret);
    expect(start.qrCodeDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(start.qrCodeDataUrl.split(',')[1]!, 'base64').toString()).toMatch(/^<svg /);
    expect(await browser.run((api) => api.mfa.status())).toMatchObject({ enabled: false, pendingEnrolment: true });

    await expect(browser.run((api) => api.mfa.confirmEnrolment({ code: '000000' }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/wrong code/) });
    await expect(browser.run((api) => api.mfa.confirmEnrolment({ code: 'abc' }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const confirmed = await browser.run(async (api) => api.mfa.confirmEnrolment({ code: await codeAt(secret) }));
    recoveryCodes.push(...confirmed.recoveryCodes);
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(confirmed.signIn).toBeNull();

    const status = await browser.run((api) => api.mfa.status());
    expect(status).toMatchObject({ enabled: true, pendingEnrolment: false, recoveryCodesLeft: 10, requiredByPolicy: false });
    expect(status.enrolledAt).toBeInstanceOf(Date);
    expect(JSON.stringify(status)).not.toContain(secret);
    await expect(browser.run((api) => api.mfa.beginEnrolment())).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await browser.run((api) => api.auth.me())).toMatchObject({ user: { mfaEnabled: true } });

    const enrolments = await auditEntries({ action: { $in: ['mfa.enrol_start', 'mfa.enrol'] }, 'target.id': ana.id });
    expect(enrolments.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['mfa.enrol_start', 'success', null],
      ['mfa.enrol', 'failure', 'wrong TOTP code'],
      ['mfa.enrol', 'success', null],
    ]);
  });
});

describe('sign-in with password and TOTP', () => {
  it('asks for the code after the password, accepts the neighbouring steps and issues a new session', async () => {
    const ben = await remember(enrolled(runtime, 'ben'));
    await awayFromStepEdge();
    const browser = client();
    const first = await browser.login(ben.email);
    expect(first).toMatchObject({ state: 'mfa-pending', user: { email: ben.email } });
    const pendingToken = browser.token!;
    await expect(browser.run((api) => api.auth.me())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const signedIn = await browser.run(async (api) => api.mfa.verify({ code: await codeAt(ben.secret, -1) }));
    expect(signedIn).toMatchObject({ state: 'active', user: { id: ben.id, email: ben.email } });
    expect(browser.token).not.toBe(pendingToken);
    expect(signedIn.csrfToken).toBe(browser.csrf);
    expect(await browser.run((api) => api.auth.me())).toMatchObject({ user: { id: ben.id, mfaEnabled: true }, session: { authMethod: 'password' } });
    const stale = new Client(runtime, browser.ip);
    stale.token = pendingToken;
    stale.csrf = first.csrfToken;
    await expect(stale.run((api) => api.auth.me())).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/not recognised/) });

    for (const offset of [0, 1]) {
      const again = client();
      await again.login(ben.email);
      expect(await again.run(async (api) => api.mfa.verify({ code: await codeAt(ben.secret, offset) }))).toMatchObject({ state: 'active' });
    }
    const tooFar = client();
    await tooFar.login(ben.email);
    await expect(tooFar.run(async (api) => api.mfa.verify({ code: await codeAt(ben.secret, 2) }))).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/wrong code/) });
    expect((await auditEntries({ action: 'auth.totp', 'target.id': ben.id })).map((e) => e.reason)).toEqual([null, null, null, 'wrong TOTP code']);
  });

  it('refuses a replayed code with a clear error and an audit entry', async () => {
    const cyd = await remember(enrolled(runtime, 'cyd'));
    await awayFromStepEdge();
    const code = await codeAt(cyd.secret);
    const first = client();
    await first.login(cyd.email);
    await first.run((api) => api.mfa.verify({ code }));

    const replay = client();
    await replay.login(cyd.email);
    await expect(replay.run((api) => api.mfa.verify({ code }))).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'this code has already been used; wait for the next one' });
    // An older code of the window is used up too: its step lies before the one just used.
    await expect(replay.run(async (api) => api.mfa.verify({ code: await codeAt(cyd.secret, -1) }))).rejects.toMatchObject({ message: expect.stringMatching(/already been used/) });
    const refusals = await auditEntries({ action: 'auth.totp', outcome: 'failure', 'target.id': cyd.id });
    expect(refusals.map((e) => e.reason)).toEqual(['replayed TOTP code', 'replayed TOTP code']);
    expect(refusals[0]).toMatchObject({ actor: { type: 'user', id: cyd.id, email: cyd.email }, ip: replay.ip });
    // The refused sign-in is still pending: the next code finishes it.
    expect(await replay.run(async (api) => api.mfa.verify({ code: await codeAt(cyd.secret, 1) }))).toMatchObject({ state: 'active' });
  });

  it('lets exactly one of two concurrent uses of one code through', async () => {
    const dee = await remember(enrolled(runtime, 'dee'));
    const code = await codeAt(dee.secret);
    const [a, b] = [client(), client()];
    await a.login(dee.email);
    await b.login(dee.email);
    const outcomes = await Promise.allSettled([a.run((api) => api.mfa.verify({ code })), b.run((api) => api.mfa.verify({ code }))]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);

    // Below the per-account serialisation of attempts, the step claim alone settles a race.
    const eli = await remember(enrolled(runtime, 'eli'));
    const user = await readMfaAccount(eli.id);
    const eliCode = await codeAt(eli.secret);
    const uses = await Promise.all(Array.from({ length: 6 }, () => useTotpCode({ user, code: eliCode, now: new Date(), enabled: true })));
    expect(uses.filter((u) => u.ok)).toHaveLength(1);
    expect(uses.filter((u) => !u.ok).map((u) => !u.ok && u.reason)).toEqual(Array(5).fill('replayed TOTP code'));
  });

  it('counts wrong codes toward the account lockout, together with wrong passwords', async () => {
    const fox = await remember(enrolled(runtime, 'fox'));
    const browser = client();
    for (let i = 0; i < 2; i++) await expect(browser.login(fox.email, 'wrong password!')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await browser.login(fox.email)).toMatchObject({ state: 'mfa-pending' });
    // The right password alone does not wipe the count while the second factor is due.
    expect((await UserModel.findById(fox.id).lean())!.failedLogins).toBe(2);

    for (let i = 0; i < 2; i++) await expect(browser.run((api) => api.mfa.verify({ code: '000000' }))).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/wrong code/) });
    await expect(browser.run((api) => api.mfa.verify({ code: '000000' }))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/too many failed sign-ins for this account/) });
    // Locked: the right code and the right password are refused alike.
    await expect(browser.run(async (api) => api.mfa.verify({ code: await codeAt(fox.secret) }))).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await expect(client().login(fox.email)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect((await UserModel.findById(fox.id).lean())!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect((await auditEntries({ action: 'auth.totp', 'target.id': fox.id })).map((e) => e.reason)).toEqual(['wrong TOTP code', 'wrong TOTP code', 'wrong TOTP code; account locked', 'account locked']);
  });

  it('checks at most five secrets of an account before it locks, however many arrive at once', async () => {
    const hal = await newUser('hal');
    for (let round = 0; round < 20; round++) {
      const burst = Array.from({ length: 8 }, (_, i) => new Client(runtime, `10.9.${round}.${i}`).login(hal.email, `guess number ${round}-${i}`));
      const outcomes = await Promise.allSettled(burst);
      expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
      if ((await UserModel.findById(hal.id).lean())!.lockedUntil) break;
    }
    const checked = (await auditEntries({ action: 'auth.login', 'target.id': hal.id, reason: { $regex: '^wrong password' } })).length;
    expect(checked).toBe(5);
    const reasons = new Set((await auditEntries({ action: 'auth.login', 'target.id': hal.id })).map((e) => e.reason));
    expect([...reasons].every((r) => ['wrong password', 'wrong password; account locked', 'parallel attempt', 'account locked'].includes(r!))).toBe(true);
  });

  it('signs in with a recovery code, once per code', async () => {
    const gus = await remember(enrolled(runtime, 'gus'));
    const [first, second] = gus.recoveryCodes;
    const browser = client();
    await browser.login(gus.email);
    const typed = ` ${first!.toUpperCase().replaceAll('-', ' ')} `;
    expect(await browser.run((api) => api.mfa.recover({ recoveryCode: typed }))).toMatchObject({ state: 'active', recoveryCodesLeft: 9 });
    expect(await browser.run((api) => api.mfa.status())).toMatchObject({ recoveryCodesLeft: 9 });

    const again = client();
    await again.login(gus.email);
    await expect(again.run((api) => api.mfa.recover({ recoveryCode: first! }))).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'wrong recovery code, or one that was already used' });
    expect(await again.run((api) => api.mfa.recover({ recoveryCode: second! }))).toMatchObject({ state: 'active', recoveryCodesLeft: 8 });
    expect((await auditEntries({ action: 'auth.recovery_code', 'target.id': gus.id })).map((e) => [e.outcome, e.reason])).toEqual([
      ['success', null],
      ['failure', 'wrong or used recovery code'],
      ['success', null],
    ]);
  });

  it('keeps no TOTP secret and no recovery code in clear in the database', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(70);
    const dump = await rawDump(uri);
    for (const secret of secrets) expect(dumpContains(dump, secret)).toBe(false);
    for (const code of recoveryCodes) {
      expect(dumpContains(dump, code)).toBe(false);
      expect(dumpContains(dump, code.replaceAll('-', ''))).toBe(false);
    }
    expect(dumpContains(dump, PASSWORD)).toBe(false);
    const enrolledUsers = dump.users!.filter((u) => (u.mfa as { enabled: boolean }).enabled);
    expect(enrolledUsers.length).toBe(secrets.length);
    for (const user of enrolledUsers) expect((user.mfa as { secret: { sub_type: number } }).secret.sub_type).toBe(6);
  });
});
