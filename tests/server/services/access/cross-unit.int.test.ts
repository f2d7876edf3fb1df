import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../../../scanner/protocol/v1/schemas';
import { CSRF_HEADER, SESSION_COOKIE } from '../../../../server/auth/cookies';
import { ROLES, roleHas, type Permission, type Role } from '../../../../server/auth/permissions';
import type { Principal } from '../../../../server/auth/principal';
import { ROOT_BUSINESS_UNIT_ID } from '../../../../server/auth/scope';
import { isAppError } from '../../../../server/errors/app-error';
import { ApiTokenModel } from '../../../../server/models/api-token.model';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { CredentialModel } from '../../../../server/models/credential.model';
import { SessionModel } from '../../../../server/models/session.model';
import { UserModel } from '../../../../server/models/user.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { createApiToken } from '../../../../server/services/api-tokens/create-api-token';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { authenticateRequest } from '../../../../server/services/auth/authenticate-request';
import { loginWithPassword } from '../../../../server/services/auth/login-with-password';
import { createBusinessUnit } from '../../../../server/services/business-units/create-business-unit';
import { addCredential } from '../../../../server/services/credentials/add-credential';
import { addCredentialInput } from '../../../../server/services/credentials/credential-input';
import { deleteCredential } from '../../../../server/services/credentials/delete-credential';
import { rotateCredential } from '../../../../server/services/credentials/rotate-credential';
import { createUser } from '../../../../server/services/users/create-user';
import type { TrpcContext } from '../../../../server/trpc/context';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';

/**
 * Business-unit separation (issue 3, item 5): principals of unit A probe every record of unit B
 * that exists so far — users, business units, credentials, API tokens, sessions, audit entries, assets and findings —
 * by id (read, update, delete) and through every list. Nothing of B may be readable or writable,
 * and no answer may differ from the one for an id that does not exist at all.
 */

const { uri } = testDatabaseUri();
let runtime: Runtime;
const PASSWORD = 'Granite-Meadow-Lantern-62';
const CREDENTIAL_SECRET = 'b-unit-root-password-Q7!';
const B_BANNER = 'b-unit-banner-evidence-M4';
const meta = { ip: '127.0.0.1', userAgent: 'vitest' };

type Caller = ReturnType<typeof createServerCaller>;
interface Actor {
  label: string;
  principal: Principal;
  caller: Caller;
}

const unit = { A: '', A1: '', B: '', B1: '' };
/** Records of unit B (and B1, below it), by resource type. */
const b = { userIds: [] as string[], unitIds: [] as string[], credentialId: '', tokenId: '', sessionIds: [] as string[], auditIds: [] as string[], secrets: [] as string[], assetId: '' };
/** Records of unit A the lists must show (so an empty list cannot pass for separation). */
const a = { analystId: '', credentialId: '', assetId: '' };
const actors: Actor[] = [];

/** The answer of a call: 'ok' or the error code (tRPC or domain). */
async function outcome(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    if (isAppError(error)) return error.code;
    throw error;
  }
}

function contextFor(auth: Awaited<ReturnType<typeof authenticateRequest>>, headers: Headers): TrpcContext {
  return { ...testContext({ runtime, principal: auth.principal }), headers, auth };
}

/** Signs in for real (password → session cookie → principal), as the console would. */
async function signIn(email: string): Promise<{ actor: Actor; sessionId: string; token: string }> {
  const login = await loginWithPassword({ email, password: PASSWORD, meta, sessionConfig: runtime.config.session });
  const headers = new Headers({ cookie: `${SESSION_COOKIE}=${login.token}`, [CSRF_HEADER]: login.session.csrfToken });
  const auth = await authenticateRequest({ headers, sessionConfig: runtime.config.session });
  if (!auth.principal) throw new Error(`sign-in of ${email} gave no principal`);
  return { actor: { label: `${email} (session)`, principal: auth.principal, caller: createServerCaller(contextFor(auth, headers)) }, sessionId: login.session._id, token: login.token };
}

async function tokenActor(owner: Principal, label: string): Promise<{ actor: Actor; token: string; tokenId: string }> {
  const { token, metadata } = await createApiToken({ principal: owner, name: label, meta });
  const headers = new Headers({ authorization: `Bearer ${token}` });
  const auth = await authenticateRequest({ headers, sessionConfig: runtime.config.session });
  return { actor: { label: `${owner.email} (API token)`, principal: auth.principal!, caller: createServerCaller(contextFor(auth, headers)) }, token, tokenId: metadata.id };
}

async function addUser(email: string, role: Role, businessUnitId: string): Promise<string> {
  return (await createUser({ acting: { system: true }, input: { email, name: email.split('@')[0], role, businessUnitId, password: PASSWORD } })).id;
}

/** A scanned Debian 12 host whose openssh the seeded KB knows vulnerable (CVE-2024-6387): an asset with findings. */
async function addAssetIn(businessUnitId: string, address: string, name: string): Promise<string> {
  const openssh = { version: '1:9.2p1-2+deb12u2', source: 'openssh', ecosystem: 'deb' as const };
  const result: HostResult = {
    address,
    hostname: `${name}.vigil.test`,
    reachable: true,
    openPorts: [{ port: 22, proto: 'tcp', state: 'open' }],
    closedPorts: 0,
    filteredPorts: 0,
    services: [{ port: 22, proto: 'tcp', name: 'ssh', banner: `SSH-2.0-OpenSSH_9.2p1 ${B_BANNER}` }],
    ssh: {
      hostKey: { algorithm: 'ssh-ed25519', fingerprint: `SHA256:${name}` },
      authenticated: true,
      inventory: { host: name, os: { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' }, packages: [{ name: 'openssh-server', ...openssh }], services: [] },
    },
    problems: [],
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
  };
  return (await recordHostResult({ encryption: runtime.encryption, businessUnitId, runId: 'cross-unit', result }))!.assetId;
}

async function addCredentialIn(businessUnitId: string, name: string, password: string): Promise<string> {
  const input = addCredentialInput.parse({ name, type: 'ssh-password', username: 'root', password });
  return (await addCredential({ scope: { kind: 'system' }, encryption: runtime.encryption, input, businessUnitId })).id;
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  const system = { system: true } as const;
  unit.A = (await createBusinessUnit({ acting: system, input: { name: 'Unit A', parentId: ROOT_BUSINESS_UNIT_ID } })).id;
  unit.B = (await createBusinessUnit({ acting: system, input: { name: 'Unit B', parentId: ROOT_BUSINESS_UNIT_ID, description: 'B stays as it is' } })).id;
  unit.A1 = (await createBusinessUnit({ acting: system, input: { name: 'A child', parentId: unit.A } })).id;
  unit.B1 = (await createBusinessUnit({ acting: system, input: { name: 'B child', parentId: unit.B } })).id;
  b.unitIds = [unit.B, unit.B1];

  a.analystId = await addUser('analyst.a@vigil.test', 'analyst', unit.A);
  await addUser('manager.a@vigil.test', 'manager', unit.A);
  await addUser('admin.a@vigil.test', 'admin', unit.A);
  await addUser('auditor.a@vigil.test', 'auditor', unit.A1);
  b.userIds = [await addUser('analyst.b@vigil.test', 'analyst', unit.B), await addUser('admin.b@vigil.test', 'admin', unit.B), await addUser('child.b@vigil.test', 'remediation', unit.B1)];

  a.credentialId = await addCredentialIn(unit.A, 'a-web', 'a-unit-root-password-Z1!');
  b.credentialId = await addCredentialIn(unit.B1, 'b-db', CREDENTIAL_SECRET);
  await seedKb();
  a.assetId = await addAssetIn(unit.A, '127.0.0.41', 'a-web');
  b.assetId = await addAssetIn(unit.B1, '127.0.0.42', 'b-db');

  // B's people sign in (sessions, audit entries of B) and B's admin makes a token.
  const analystB = await signIn('analyst.b@vigil.test');
  const adminB = await signIn('admin.b@vigil.test');
  b.sessionIds = [analystB.sessionId, adminB.sessionId];
  const bToken = await tokenActor(adminB.actor.principal, 'b automation');
  b.tokenId = bToken.tokenId;
  b.secrets = [bToken.token, analystB.token, adminB.token];
  b.auditIds = (await AuditEntryModel.find({ businessUnitId: { $in: b.unitIds } }, { _id: 1 }).lean()).map((entry) => String(entry._id));
  expect(b.auditIds.length).toBeGreaterThanOrEqual(3);

  for (const email of ['analyst.a@vigil.test', 'manager.a@vigil.test', 'admin.a@vigil.test', 'auditor.a@vigil.test']) actors.push((await signIn(email)).actor);
  actors.push((await tokenActor(actors[2]!.principal, 'a automation')).actor);
  const outside = new Set([unit.B, unit.B1, ROOT_BUSINESS_UNIT_ID]);
  for (const { principal } of actors) expect(principal.scope.kind === 'units' && principal.scope.businessUnitIds.filter((id) => outside.has(id))).toEqual([]);
}, 120_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

/** One way of touching one record: `target` is B's record, `absent` an id of the same kind that exists nowhere. */
interface Probe {
  resource: 'users' | 'business units' | 'credentials' | 'API tokens' | 'sessions' | 'assets';
  op: string;
  /** The permission the operation needs; without it the answer is FORBIDDEN (for B's id and any other alike). */
  needs?: Permission;
  target: () => string;
  absent: string;
  run: (actor: Actor, id: string) => Promise<unknown>;
}

const objectId = () => new Types.ObjectId().toHexString();

const PROBES: Probe[] = [
  { resource: 'users', op: 'users.get', needs: 'users:read', target: () => b.userIds[0]!, absent: objectId(), run: ({ caller }, id) => caller.users.get({ id }) },
  { resource: 'users', op: 'users.update (rename)', needs: 'users:manage', target: () => b.userIds[0]!, absent: objectId(), run: ({ caller }, id) => caller.users.update({ id, name: 'taken over' }) },
  { resource: 'users', op: 'users.update (disable)', needs: 'users:manage', target: () => b.userIds[1]!, absent: objectId(), run: ({ caller }, id) => caller.users.update({ id, disabled: true }) },
  { resource: 'users', op: 'users.create in B', needs: 'users:manage', target: () => unit.B, absent: 'no-such-unit', run: ({ caller }, businessUnitId) => caller.users.create({ email: `${randomUUID().slice(0, 8)}@vigil.test`, role: 'analyst', businessUnitId, password: PASSWORD }) },
  { resource: 'users', op: 'users.update (move A user to B)', needs: 'users:manage', target: () => unit.B, absent: 'no-such-unit', run: ({ caller }, businessUnitId) => caller.users.update({ id: a.analystId, businessUnitId }) },
  { resource: 'business units', op: 'units.get', needs: 'units:read', target: () => unit.B, absent: 'no-such-unit', run: ({ caller }, id) => caller.units.get({ id }) },
  { resource: 'business units', op: 'units.get (child)', needs: 'units:read', target: () => unit.B1, absent: 'no-such-unit', run: ({ caller }, id) => caller.units.get({ id }) },
  { resource: 'business units', op: 'units.update (rename)', needs: 'units:manage', target: () => unit.B, absent: 'no-such-unit', run: ({ caller }, id) => caller.units.update({ id, name: 'taken over' }) },
  { resource: 'business units', op: 'units.delete', needs: 'units:manage', target: () => unit.B1, absent: 'no-such-unit', run: ({ caller }, id) => caller.units.delete({ id }) },
  { resource: 'business units', op: 'units.create below B', needs: 'units:manage', target: () => unit.B, absent: 'no-such-unit', run: ({ caller }, parentId) => caller.units.create({ name: `planted ${randomUUID().slice(0, 6)}`, parentId }) },
  { resource: 'business units', op: 'units.update (move A child below B)', needs: 'units:manage', target: () => unit.B, absent: 'no-such-unit', run: ({ caller }, parentId) => caller.units.update({ id: unit.A1, parentId }) },
  { resource: 'credentials', op: 'credentials.get', needs: 'credentials:read', target: () => b.credentialId, absent: objectId(), run: ({ caller }, id) => caller.credentials.get({ id }) },
  {
    resource: 'credentials',
    op: 'rotate (service, caller scope)',
    target: () => b.credentialId,
    absent: objectId(),
    run: ({ principal }, id) => rotateCredential({ scope: principal.scope, encryption: runtime.encryption, ref: { id }, input: { password: 'overwritten-by-A' } }),
  },
  { resource: 'credentials', op: 'delete (service, caller scope)', target: () => b.credentialId, absent: objectId(), run: ({ principal }, id) => deleteCredential({ scope: principal.scope, ref: { id } }) },
  { resource: 'assets', op: 'assets.get', needs: 'assets:read', target: () => b.assetId, absent: randomUUID(), run: ({ caller }, id) => caller.assets.get({ id }) },
  { resource: 'API tokens', op: 'tokens.revoke', target: () => b.tokenId, absent: objectId(), run: ({ caller }, id) => caller.tokens.revoke({ id }) },
  { resource: 'sessions', op: 'sessions.list of a B user', target: () => b.userIds[0]!, absent: objectId(), run: ({ caller }, userId) => caller.sessions.list({ userId }) },
  { resource: 'sessions', op: 'sessions.end', target: () => b.sessionIds[0]!, absent: randomUUID(), run: ({ caller }, id) => caller.sessions.end({ id }) },
];

describe('a principal of unit A reaches no record of unit B by id', () => {
  it('answers NOT_FOUND (or FORBIDDEN without the permission), exactly as for an id that does not exist', async () => {
    const leaks: string[] = [];
    let probes = 0;
    for (const actor of actors) {
      for (const probe of PROBES) {
        const expected = !probe.needs || actor.principal.permissions.includes(probe.needs) ? 'NOT_FOUND' : 'FORBIDDEN';
        const forB = await outcome(() => probe.run(actor, probe.target()));
        const forNothing = await outcome(() => probe.run(actor, probe.absent));
        probes++;
        if (forB !== expected || forB !== forNothing) leaks.push(`${actor.label} ${probe.op}: B's record → ${forB}, absent id → ${forNothing}, expected ${expected}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(probes).toBe(actors.length * PROBES.length);
    expect(new Set(PROBES.map((probe) => probe.resource))).toEqual(new Set(['users', 'business units', 'credentials', 'API tokens', 'sessions', 'assets']));
  });

  it('left every record of B as it was', async () => {
    expect(await BusinessUnitModel.find({ _id: { $in: b.unitIds } }, { name: 1, parentId: 1, description: 1 }).sort({ name: 1 }).lean()).toEqual([
      { _id: unit.B1, name: 'B child', parentId: unit.B, description: '' },
      { _id: unit.B, name: 'Unit B', parentId: ROOT_BUSINESS_UNIT_ID, description: 'B stays as it is' },
    ]);
    expect(await BusinessUnitModel.countDocuments({ parentId: unit.B })).toBe(1);
    expect(await BusinessUnitModel.findById(unit.A1, { parentId: 1 }).lean()).toMatchObject({ parentId: unit.A });
    const users = await UserModel.find({ _id: { $in: b.userIds } }, { name: 1, disabled: 1 }).lean();
    expect(users.map((user) => [user.name, user.disabled])).toEqual(expect.arrayContaining([['analyst.b', false], ['admin.b', false], ['child.b', false]]));
    expect(await UserModel.countDocuments({ businessUnitId: { $in: b.unitIds } })).toBe(3);
    expect(await UserModel.findById(a.analystId, { businessUnitId: 1 }).lean()).toMatchObject({ businessUnitId: unit.A });
    expect(await CredentialModel.findById(b.credentialId, { rotatedAt: 1 }).lean()).toMatchObject({ rotatedAt: null });
    expect(await ApiTokenModel.findById(b.tokenId, { revokedAt: 1 }).lean()).toMatchObject({ revokedAt: null });
    expect(await SessionModel.countDocuments({ _id: { $in: b.sessionIds } })).toBe(2);
  });
});

describe('the lists of a principal of unit A hold 0 records of unit B', () => {
  /** One list per resource type: what it returns (ids and units), what of A it must show, which permission it needs. */
  const LISTS: { resource: string; needs?: Permission; list: (actor: Actor) => Promise<{ id: string; unit?: string }[]>; bIds: () => string[]; mustShow?: (actor: Actor) => string[] }[] = [
    { resource: 'users', needs: 'users:read', list: async ({ caller }) => (await caller.users.list()).items.map((u) => ({ id: u.id, unit: u.businessUnitId })), bIds: () => b.userIds, mustShow: ({ principal }) => [principal.userId] },
    { resource: 'business units', needs: 'units:read', list: async ({ caller }) => (await caller.units.list()).items.map((u) => ({ id: u.id, unit: u.id })), bIds: () => b.unitIds, mustShow: ({ principal }) => [principal.businessUnitId, unit.A1] },
    { resource: 'credentials', needs: 'credentials:read', list: async ({ caller }) => (await caller.credentials.list()).items.map((c) => ({ id: c.id, unit: c.businessUnitId })), bIds: () => [b.credentialId], mustShow: ({ principal }) => (principal.businessUnitId === unit.A ? [a.credentialId] : []) },
    {
      resource: 'assets',
      needs: 'assets:read',
      list: async ({ caller }) => (await caller.assets.list({ pageSize: 200 })).items.map((asset) => ({ id: asset.id, unit: asset.businessUnitId })),
      bIds: () => [b.assetId],
      mustShow: ({ principal }) => (principal.businessUnitId === unit.A ? [a.assetId] : []),
    },
    {
      resource: 'findings',
      needs: 'findings:read',
      list: async ({ caller }) => (await caller.findings.list({ pageSize: 200 })).items.map((finding) => ({ id: finding.assetId })),
      bIds: () => [b.assetId],
      mustShow: ({ principal }) => (principal.businessUnitId === unit.A ? [a.assetId] : []),
    },
    {
      resource: 'findings (filtered on B\'s asset)',
      needs: 'findings:read',
      list: async ({ caller }) => (await caller.findings.list({ assetId: b.assetId })).items.map((finding) => ({ id: finding.assetId })),
      bIds: () => [b.assetId],
    },
    { resource: 'API tokens', list: async ({ caller }) => (await caller.tokens.list({ owner: 'all' })).items.map((t) => ({ id: t.id })), bIds: () => [b.tokenId] },
    { resource: 'sessions', list: async ({ caller }) => (await caller.sessions.list()).items.map((s) => ({ id: s.id })), bIds: () => b.sessionIds },
    {
      resource: 'audit entries',
      needs: 'audit:read',
      list: async ({ caller }) => (await caller.audit.list({ pageSize: 200 })).items.map((e) => ({ id: e.id, unit: e.businessUnitId })),
      bIds: () => b.auditIds,
    },
    {
      resource: 'audit entries (filtered on a B actor)',
      needs: 'audit:read',
      list: async ({ caller }) => (await caller.audit.list({ actorEmail: '.b@vigil.test', pageSize: 200 })).items.map((e) => ({ id: e.id, unit: e.businessUnitId })),
      bIds: () => b.auditIds,
    },
  ];

  it('for every role and resource type (table-driven), counting every record seen', async () => {
    const leaks: string[] = [];
    let seen = 0;
    for (const actor of actors) {
      for (const entry of LISTS) {
        const permitted = !entry.needs || actor.principal.permissions.includes(entry.needs);
        const result = await outcome(async () => {
          const items = await entry.list(actor);
          seen += items.length;
          const bIds = new Set(entry.bIds());
          for (const item of items) if (bIds.has(item.id) || (item.unit !== undefined && b.unitIds.includes(item.unit))) leaks.push(`${actor.label} ${entry.resource}: ${item.id}`);
          const shown = new Set(items.map((item) => item.id));
          for (const id of entry.mustShow?.(actor) ?? []) if (!shown.has(id)) leaks.push(`${actor.label} ${entry.resource}: own record ${id} missing (the list proves nothing)`);
        });
        if (result !== (permitted ? 'ok' : 'FORBIDDEN')) leaks.push(`${actor.label} ${entry.resource}: ${result}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(seen).toBeGreaterThan(20);
  });
});

describe('the role matrix', () => {
  /** Data-changing operations, each aimed at something that does not exist so a permitted call answers NOT_FOUND and changes nothing. */
  const MUTATIONS: { op: string; needs: Permission; run: (caller: Caller) => Promise<unknown> }[] = [
    { op: 'users.create', needs: 'users:manage', run: (caller) => caller.users.create({ email: 'new@vigil.test', role: 'analyst', businessUnitId: 'no-such-unit', password: PASSWORD }) },
    { op: 'users.update', needs: 'users:manage', run: (caller) => caller.users.update({ id: objectId(), name: 'x' }) },
    { op: 'units.create', needs: 'units:manage', run: (caller) => caller.units.create({ name: 'x', parentId: 'no-such-unit' }) },
    { op: 'units.update', needs: 'units:manage', run: (caller) => caller.units.update({ id: 'no-such-unit', name: 'x' }) },
    { op: 'units.delete', needs: 'units:manage', run: (caller) => caller.units.delete({ id: 'no-such-unit' }) },
  ];

  it('lets each role change exactly what its permissions say (FORBIDDEN otherwise)', async () => {
    const mismatches: string[] = [];
    for (const role of ROLES) {
      const caller = createServerCaller(testContext({ runtime, principal: testPrincipal({ role }) }));
      for (const mutation of MUTATIONS) {
        const expected = roleHas(role, mutation.needs) ? 'NOT_FOUND' : 'FORBIDDEN';
        const got = await outcome(() => mutation.run(caller));
        if (got !== expected) mismatches.push(`${role} ${mutation.op}: ${got}, expected ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('an auditor reads their unit but cannot change any of it: FORBIDDEN, nothing changed', async () => {
    const auditor = actors.find((actor) => actor.principal.role === 'auditor')!;
    const { caller } = auditor;
    // Reads work (the auditor sits in A1; A1's records are theirs).
    expect((await caller.units.list()).items.map((u) => u.id)).toEqual([unit.A1]);
    expect((await caller.users.list()).items.map((u) => u.email)).toEqual(['auditor.a@vigil.test']);
    expect((await caller.audit.list()).total).toBeGreaterThan(0);
    expect((await caller.roles.matrix()).roles.find((r) => r.id === 'auditor')?.permissions).not.toContain('users:manage');

    const auditorId = auditor.principal.userId;
    const attempts: [string, () => Promise<unknown>][] = [
      ['users.create', () => caller.users.create({ email: 'planted@vigil.test', role: 'auditor', businessUnitId: unit.A1, password: PASSWORD })],
      ['users.update', () => caller.users.update({ id: auditorId, name: 'renamed' })],
      ['units.create', () => caller.units.create({ name: 'planted', parentId: unit.A1 })],
      ['units.update', () => caller.units.update({ id: unit.A1, name: 'renamed' })],
      ['units.delete', () => caller.units.delete({ id: unit.A1 })],
    ];
    for (const [op, attempt] of attempts) expect(await outcome(attempt), op).toBe('FORBIDDEN');
    expect(await UserModel.countDocuments({ email: 'planted@vigil.test' })).toBe(0);
    expect(await BusinessUnitModel.findById(unit.A1, { name: 1 }).lean()).toMatchObject({ name: 'A child' });
    expect(await BusinessUnitModel.countDocuments({ parentId: unit.A1 })).toBe(0);
    expect(await UserModel.findById(auditorId, { name: 1 }).lean()).toMatchObject({ name: 'auditor.a' });
  });
});

describe('sessions inside the unit', () => {
  it('sessions:manage lists and ends the sessions of a user in the unit; others cannot even see them', async () => {
    const [analyst, manager, adminA] = actors;
    const listed = await adminA!.caller.sessions.list({ userId: a.analystId });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ current: false, authMethod: 'password' });
    expect(await outcome(() => manager!.caller.sessions.list({ userId: a.analystId }))).toBe('NOT_FOUND');
    expect(await outcome(() => analyst!.caller.sessions.end({ id: adminA!.principal.sessionId! }))).toBe('NOT_FOUND');

    await adminA!.caller.sessions.end({ id: listed.items[0]!.id });
    expect(await SessionModel.countDocuments({ userId: a.analystId })).toBe(0);
    const ended = await AuditEntryModel.findOne({ action: 'session.end', 'target.id': listed.items[0]!.id }).lean();
    expect(ended).toMatchObject({ outcome: 'success', businessUnitId: unit.A, actor: { email: 'admin.a@vigil.test' } });
  });

  it('"end my other sessions" keeps the current one and is audited', async () => {
    const adminA = actors[2]!;
    const second = await signIn('admin.a@vigil.test');
    expect(await adminA.caller.sessions.endOthers()).toEqual({ ended: 1 });
    expect(await SessionModel.exists({ _id: second.sessionId })).toBeNull();
    expect((await adminA.caller.sessions.list()).items.map((s) => s.current)).toEqual([true]);
    expect(await AuditEntryModel.findOne({ action: 'session.end_others' }).lean()).toMatchObject({ details: { ended: 1 }, businessUnitId: unit.A });
  });
});

describe('the raw database', () => {
  it('holds no password, session token, API token, credential secret or scan evidence in clear', async () => {
    const dump = await rawDump(uri);
    expect(dump.users?.length).toBe(7);
    for (const secret of [PASSWORD, CREDENTIAL_SECRET, B_BANNER, ...b.secrets]) expect(dumpContains(dump, secret)).toBe(false);
  });
});
