import { existsSync, statSync, writeFileSync } from 'node:fs';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_BUSINESS_UNIT_ID } from '../../../../server/auth/scope';
import { isAppError } from '../../../../server/errors/app-error';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import { SETUP_TOKEN_ID, SetupTokenModel } from '../../../../server/models/setup-token.model';
import { UserModel } from '../../../../server/models/user.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { LOGIN_IP_MAX_FAILURES } from '../../../../server/services/auth/login-throttle';
import { loginWithPassword } from '../../../../server/services/auth/login-with-password';
import { completeSetup } from '../../../../server/services/setup/complete-setup';
import { ensureSetupToken } from '../../../../server/services/setup/ensure-setup-token';
import type { CompleteSetupInput } from '../../../../server/services/setup/setup-input';
import { SETUP_TOKEN_TTL_MS, hashSetupToken } from '../../../../server/services/setup/setup-token';
import { readSetupTokenFile, setupTokenFile } from '../../../../server/services/setup/setup-token-file';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { testContext } from '../../../helpers/trpc-context';

/**
 * First boot (issue 8, item 3): while no account exists the console keeps a one-time setup token (the hash in
 * the database, the token in a 0600 file of the data directory), and /setup turns it into the first
 * administrator, once.
 */

const { uri } = testDatabaseUri();
let runtime: Runtime;
let dataDir: string;
const PASSWORD = 'Granite-Meadow-Lantern-62';
const meta = (ip: string) => ({ ip, userAgent: 'vitest' });
const codeOf = async (work: Promise<unknown>) => work.then(() => 'ok', (error: unknown) => (isAppError(error) ? error.code : error instanceof TRPCError ? error.code : String(error)));
const anonymous = () => createServerCaller(testContext({ runtime, principal: null }));
const setupWith = (input: Partial<CompleteSetupInput> & { token: string }, ip = '127.0.0.1', now?: Date) =>
  completeSetup({ input: { email: 'first@vigil.test', name: 'First Admin', password: PASSWORD, ...input }, dataDir, meta: meta(ip), now });
const currentToken = async () => {
  const state = await ensureSetupToken({ dataDir });
  if (!state.required) throw new Error('expected a setup token');
  return state;
};

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  dataDir = runtime.config.dataDir;
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('the setup token', () => {
  it('is made while no account exists: 160 random bits in a 0600 file, only its SHA-256 in the database', async () => {
    const state = await currentToken();
    expect(state.issued).toBe(true);
    expect(state.token).toMatch(/^([a-z2-7]{4}-){7}[a-z2-7]{4}$/);
    expect(state.file).toBe(setupTokenFile(dataDir));
    expect(readSetupTokenFile(state.file)).toBe(state.token);
    expect(statSync(state.file).mode & 0o777).toBe(0o600);

    const stored = await SetupTokenModel.findById(SETUP_TOKEN_ID).lean();
    expect(stored).toMatchObject({ tokenHash: hashSetupToken(state.token) });
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(SETUP_TOKEN_TTL_MS);
    const dump = await rawDump(uri);
    expect(dumpContains(dump, state.token)).toBe(false);
    expect(dumpContains(dump, state.token.replace(/-/g, ''))).toBe(false);
    expect(await anonymous().setup.status()).toEqual({ setupRequired: true });
  });

  it('survives a restart (another day), and is replaced when the file no longer holds the valid one', async () => {
    const first = await currentToken();
    const later = new Date(Date.now() + 60 * 60_000);
    const restarted = await ensureSetupToken({ dataDir, now: later });
    expect(restarted).toMatchObject({ required: true, issued: false, token: first.token, expiresAt: new Date(later.getTime() + SETUP_TOKEN_TTL_MS) });

    writeFileSync(first.file, 'not-the-token\n');
    const replaced = await currentToken();
    expect(replaced.issued).toBe(true);
    expect(replaced.token).not.toBe(first.token);
    expect(await codeOf(setupWith({ token: first.token }))).toBe('FORBIDDEN');
    expect(await UserModel.countDocuments()).toBe(0);
  });

  it('refuses a wrong or expired token and bad input clearly, creating nothing and keeping the token usable', async () => {
    const { token, expiresAt } = await currentToken();
    await expect(setupWith({ token: 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh' })).rejects.toThrow(/the setup token is wrong or was used already; print the current one .*sudo vigil admin setup-token/);
    const expired = setupWith({ token }, '127.0.0.1', new Date(expiresAt.getTime() + 1));
    await expect(expired).rejects.toThrow(`the setup token expired at ${expiresAt.toISOString()}`);
    expect(await codeOf(setupWith({ token }, '127.0.0.1', new Date(expiresAt.getTime() + 1)))).toBe('FORBIDDEN');
    await expect(setupWith({ token, password: 'short' })).rejects.toThrow(/password must be at least 12 characters/);
    expect(await codeOf(anonymous().setup.complete({ token, email: 'not an address', password: PASSWORD }))).toBe('BAD_REQUEST');
    expect(await codeOf(anonymous().setup.complete({ token: '', email: 'first@vigil.test', password: PASSWORD }))).toBe('BAD_REQUEST');

    expect(await UserModel.countDocuments()).toBe(0);
    expect(await SetupTokenModel.findById(SETUP_TOKEN_ID).lean()).toMatchObject({ tokenHash: hashSetupToken(token) });
    expect(readSetupTokenFile(setupTokenFile(dataDir))).toBe(token);
    const reasons = (await AuditEntryModel.find({ action: 'admin.setup', outcome: 'failure' }).lean()).map((entry) => entry.reason);
    expect(reasons).toEqual(expect.arrayContaining(['wrong setup token', 'expired setup token']));
  });

  it('throttles an address that keeps sending wrong tokens', async () => {
    const { token } = await currentToken();
    const ip = '127.0.3.1';
    for (let i = 0; i < LOGIN_IP_MAX_FAILURES; i++) expect(await codeOf(setupWith({ token: `wrong-${i}` }, ip))).toBe('FORBIDDEN');
    expect(await codeOf(setupWith({ token }, ip))).toBe('RATE_LIMITED');
    expect(await UserModel.countDocuments()).toBe(0);
  });
});

describe('setting up the first administrator', () => {
  it('works once when two requests send the token at the same moment: exactly one administrator', async () => {
    const { token, file } = await currentToken();
    const results = await Promise.allSettled([
      anonymous().setup.complete({ token: token.toUpperCase(), email: 'first@vigil.test', name: 'First Admin', password: PASSWORD }),
      anonymous().setup.complete({ token, email: 'second@vigil.test', name: 'Second Admin', password: PASSWORD }),
    ]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(['FORBIDDEN', 'CONFLICT']).toContain((rejected[0]!.reason as TRPCError).code);

    const users = await UserModel.find({}).lean();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ role: 'admin', businessUnitId: ROOT_BUSINESS_UNIT_ID, authSource: 'local' });
    expect(await SetupTokenModel.exists({ _id: SETUP_TOKEN_ID })).toBeNull();
    expect(existsSync(file)).toBe(false);
    const audited = await AuditEntryModel.find({ action: 'admin.setup', outcome: 'success' }).lean();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor: { type: 'user', email: users[0]!.email }, target: { type: 'user', id: String(users[0]!._id) } });

    const signedIn = await loginWithPassword({ email: users[0]!.email, password: PASSWORD, meta: meta('127.0.0.1'), sessionConfig: { idleMinutes: 30, maxHours: 12 } });
    expect(signedIn.user.role).toBe('admin');
  });

  it('is refused once an account exists (CONFLICT), and no token is made any more', async () => {
    expect(await anonymous().setup.status()).toEqual({ setupRequired: false });
    await expect(anonymous().setup.complete({ token: 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh', email: 'late@vigil.test', password: PASSWORD })).rejects.toThrow(
      'setup is done: an account exists already; sign in at /login',
    );
    expect(await codeOf(anonymous().setup.complete({ token: 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh', email: 'late@vigil.test', password: PASSWORD }))).toBe('CONFLICT');

    // A left-over token (a restored database, a file from before) is removed at the next start.
    writeFileSync(setupTokenFile(dataDir), 'left-over\n');
    await SetupTokenModel.create({ _id: SETUP_TOKEN_ID, tokenHash: hashSetupToken('left-over'), createdAt: new Date(), expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_MS) });
    expect(await ensureSetupToken({ dataDir })).toEqual({ required: false });
    expect(existsSync(setupTokenFile(dataDir))).toBe(false);
    expect(await SetupTokenModel.exists({ _id: SETUP_TOKEN_ID })).toBeNull();
    expect(await codeOf(setupWith({ token: 'left-over', email: 'late@vigil.test' }))).toBe('CONFLICT');
    expect(await UserModel.countDocuments()).toBe(1);
  });
});
