import { TRPCError } from '@trpc/server';
import { Binary } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../../server/errors/app-error';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import { OidcProviderModel } from '../../../../server/models/oidc-provider.model';
import { OidcTransactionModel } from '../../../../server/models/oidc-transaction.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { createBusinessUnit } from '../../../../server/services/business-units/create-business-unit';
import { ensureRootBusinessUnit } from '../../../../server/services/business-units/ensure-root-business-unit';
import { removeExpiredSsoTransactions } from '../../../../server/services/sso/remove-expired-sso-transactions';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';

const { uri } = testDatabaseUri();
let runtime: Runtime;
let secops: string;
const SECRET = 'sso-crud-secret-7d2e-MARKER';

/** An administrator of the root unit: their scope is root and every unit below it. */
const rootAdmin = () => testPrincipal({ businessUnitIds: ['root', secops] });
const caller = (principal = rootAdmin()) => createServerCaller(testContext({ runtime, principal }));
const codeOf = (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (error: unknown) => (error instanceof TRPCError ? (isAppError(error.cause) ? error.cause.code : error.code) : isAppError(error) ? error.code : String(error)),
  );
const base = { displayName: 'Corp IdP', issuer: 'https://idp.corp.test/realms/main', clientId: 'vigil-console' };

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await ensureRootBusinessUnit();
  secops = (await createBusinessUnit({ acting: { system: true }, input: { name: 'Security Operations', parentId: 'root' } })).id;
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('SSO provider configuration', () => {
  it('creates a provider with an encrypted, write-only client secret, audited', async () => {
    const created = await caller().sso.create({
      id: 'corp',
      ...base,
      clientSecret: SECRET,
      groupMappings: [{ group: 'vigil-analysts', role: 'analyst', businessUnitId: secops }],
    });
    expect(created).toMatchObject({ id: 'corp', hasClientSecret: true, tokenAuthMethod: 'client_secret_basic', scopes: ['openid', 'email', 'profile'], defaultRole: null, enabled: true, redirectPath: '/api/auth/oidc/corp/callback' });
    expect(created).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(await caller().sso.list())).not.toContain(SECRET);
    expect(JSON.stringify(await caller().sso.get({ id: 'corp' }))).not.toContain(SECRET);

    // Through the auto-decrypting connection the secret reads back; on disk it is BinData 6.
    const stored = await OidcProviderModel.findById('corp').lean();
    expect(stored?.clientSecret).toBe(SECRET);
    const dump = await rawDump(uri);
    expect(dumpContains(dump, SECRET)).toBe(false);
    expect((dump.oidc_providers?.[0]?.clientSecret as Binary).sub_type).toBe(6);
    const audit = await AuditEntryModel.findOne({ action: 'sso.create' }).lean();
    expect(audit).toMatchObject({ outcome: 'success', target: { type: 'sso-provider', id: 'corp' } });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('refuses duplicates, plain-http issuers off loopback, and a confidential client without a secret', async () => {
    expect(await codeOf(caller().sso.create({ id: 'corp', ...base, clientSecret: 'x' }))).toBe('CONFLICT');
    expect(await codeOf(caller().sso.create({ id: 'plain', ...base, issuer: 'http://idp.corp.test', clientSecret: 'x' }))).toBe('BAD_REQUEST');
    expect(await codeOf(caller().sso.create({ id: 'nosecret', ...base, tokenAuthMethod: 'client_secret_post' }))).toBe('BAD_INPUT');
    // Without a secret it is a public client (PKCE only).
    expect(await caller().sso.create({ id: 'public', ...base })).toMatchObject({ hasClientSecret: false, tokenAuthMethod: 'none' });
  });

  it('updates fields, keeps the secret unless told, and can replace or remove it', async () => {
    const renamed = await caller().sso.update({ id: 'corp', displayName: 'Corporate SSO', defaultRole: 'auditor' });
    expect(renamed).toMatchObject({ displayName: 'Corporate SSO', defaultRole: 'auditor', hasClientSecret: true, issuer: base.issuer });
    expect((await OidcProviderModel.findById('corp').lean())?.clientSecret).toBe(SECRET);

    await caller().sso.update({ id: 'corp', clientSecret: `${SECRET}-2` });
    expect((await OidcProviderModel.findById('corp').lean())?.clientSecret).toBe(`${SECRET}-2`);
    // Removing the secret of a client_secret_basic client would break it: refused until the method changes too.
    expect(await codeOf(caller().sso.update({ id: 'corp', clientSecret: null }))).toBe('BAD_INPUT');
    expect(await caller().sso.update({ id: 'corp', clientSecret: null, tokenAuthMethod: 'none' })).toMatchObject({ hasClientSecret: false, tokenAuthMethod: 'none' });
    await caller().sso.update({ id: 'corp', clientSecret: SECRET, tokenAuthMethod: 'client_secret_post' });
    const audits = await AuditEntryModel.find({ action: 'sso.update' }).sort({ seq: 1 }).lean();
    expect(audits.map((a) => a.details?.clientSecret)).toEqual(['kept', 'replaced', 'removed', 'replaced']);
    expect(await codeOf(caller().sso.update({ id: 'nope', displayName: 'x' }))).toBe('NOT_FOUND');
  });

  it('lets only roles with sso:manage change providers; auditors read them, anonymous callers see names only', async () => {
    const manager = testPrincipal({ role: 'manager', businessUnitIds: ['root', secops] });
    expect(await codeOf(caller(manager).sso.create({ id: 'm', ...base }))).toBe('FORBIDDEN');
    expect(await codeOf(caller(manager).sso.delete({ id: 'corp' }))).toBe('FORBIDDEN');
    expect((await caller(testPrincipal({ role: 'auditor', businessUnitIds: ['root', secops] })).sso.list()).items.map((p) => p.id)).toEqual(['corp', 'public']);
    expect(await codeOf(caller(testPrincipal({ role: 'analyst' })).sso.list())).toBe('FORBIDDEN');
    const anonymous = createServerCaller(testContext({ runtime, principal: null }));
    expect(await codeOf(anonymous.sso.list())).toBe('UNAUTHORIZED');
    await caller().sso.update({ id: 'public', enabled: false });
    expect(await anonymous.sso.listPublic()).toEqual({ items: [{ id: 'corp', displayName: 'Corporate SSO', loginUrl: '/api/auth/oidc/corp/login' }] });
  });

  it('maps only into units the configuring admin may grant', async () => {
    const unitAdmin = testPrincipal({ role: 'admin', businessUnitIds: [secops] });
    // The root unit is outside this admin's scope: it reads as not found, like any unit they cannot see.
    expect(await codeOf(caller(unitAdmin).sso.create({ id: 'unit-idp', ...base, groupMappings: [{ group: 'g', role: 'admin', businessUnitId: 'root' }], defaultBusinessUnitId: secops }))).toBe('NOT_FOUND');
    expect(await codeOf(caller().sso.create({ id: 'ghost', ...base, groupMappings: [{ group: 'g', role: 'analyst', businessUnitId: 'no-such-unit' }] }))).toBe('NOT_FOUND');
    const own = await caller(unitAdmin).sso.create({ id: 'unit-idp', ...base, groupMappings: [{ group: 'g', role: 'analyst', businessUnitId: secops }], defaultBusinessUnitId: secops });
    expect(own.groupMappings).toEqual([{ group: 'g', role: 'analyst', businessUnitId: secops }]);
    // A provider that places users in the root unit is not theirs to change or remove.
    expect(await codeOf(caller(unitAdmin).sso.update({ id: 'corp', displayName: 'mine now' }))).toBe('FORBIDDEN');
    expect(await codeOf(caller(unitAdmin).sso.delete({ id: 'corp' }))).toBe('FORBIDDEN');
  });

  it('deletes a provider with its logins in flight, audited', async () => {
    await OidcTransactionModel.create({ _id: 'tx-public', providerId: 'public', nonce: 'n', codeVerifier: 'v', redirectUri: 'https://localhost/cb', createdAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    expect(await caller().sso.delete({ id: 'public' })).toEqual({ ok: true, users: 0 });
    expect(await OidcTransactionModel.countDocuments({ providerId: 'public' })).toBe(0);
    expect(await codeOf(caller().sso.get({ id: 'public' }))).toBe('NOT_FOUND');
    expect(await AuditEntryModel.findOne({ action: 'sso.delete' }).lean()).toMatchObject({ target: { id: 'public' }, details: { users: 0 } });
  });
});

describe('logins in flight', () => {
  it('are removed by the clean-up job once expired, and only then', async () => {
    const now = new Date();
    const tx = (id: string, expiresAt: Date) => ({ _id: id, providerId: 'corp', nonce: 'n', codeVerifier: 'v', redirectUri: 'https://localhost/cb', createdAt: now, expiresAt });
    await OidcTransactionModel.create([tx('expired', new Date(now.getTime() - 1000)), tx('live', new Date(now.getTime() + 600_000))]);
    expect(await removeExpiredSsoTransactions({ now })).toEqual({ transactions: 1 });
    expect((await OidcTransactionModel.find({}, { _id: 1 }).lean()).map((t) => t._id)).toEqual(['live']);
  });
});
