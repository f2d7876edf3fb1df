import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../../../scanner/protocol/v1/schemas';
import type { Role } from '../../../../server/auth/permissions';
import type { Inventory } from '../../../../server/inventory/inventory.schema';
import { AssetModel } from '../../../../server/models/asset.model';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import { FindingExceptionClaimModel, FindingExceptionModel } from '../../../../server/models/finding-exception.model';
import { FindingModel } from '../../../../server/models/finding.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { getSlaOverview } from '../../../../server/services/findings/sla-overview';
import { readSlaPolicy, redateForSlaPolicy, SLA_REDATE_JOB } from '../../../../server/services/findings/sla-policy';
import { acquireLease, releaseLease } from '../../../../server/scheduler/lease';
import { jobLeaseName } from '../../../../server/scheduler/scheduler';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { tieHashOf } from '../../../../server/services/findings/tie-order';

/**
 * The workflow on real FerretDB with the seeded KB, through tRPC: exceptions with four-eyes approval, rejection,
 * revocation and every transition audited; requests and bulk actions naming another unit's findings rejected whole
 * with nothing written; invalid filters rejected; the SLA policy, its view and breaches; criticality re-scoring and
 * the business-unit risk rollup.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const DAY_MS = 86_400_000;

/** Until the re-dating a policy change started in the background is done. */
async function untilRedated(): Promise<void> {
  for (let i = 0; i < 600 && (await readSlaPolicy()).redating; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect((await readSlaPolicy()).redating).toBe(false);
}

const USERS = { analystA: 'a0000000000000000000000a', managerA: 'b0000000000000000000000a', otherManagerA: 'c0000000000000000000000a', managerB: 'b0000000000000000000000b', admin: 'd00000000000000000000000' };
const callerAs = (role: Role, userId: string, businessUnitIds: string[]) => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId, businessUnitIds }) }));
const analystA = () => callerAs('analyst', USERS.analystA, ['unit-a']);
const managerA = () => callerAs('manager', USERS.managerA, ['unit-a']);
const otherManagerA = () => callerAs('manager', USERS.otherManagerA, ['unit-a']);
const managerB = () => callerAs('manager', USERS.managerB, ['unit-b']);
const admin = () => callerAs('admin', USERS.admin, ['unit-a', 'unit-b']);

function bookworm(host: string): Inventory {
  return {
    host,
    os: { family: 'debian', name: 'debian', version: '12', codename: 'bookworm' },
    kernel: '6.1.0-18-amd64',
    packages: [
      { name: 'openssh-server', version: '1:9.2p1-2+deb12u2', source: 'openssh', arch: 'amd64', ecosystem: 'deb' },
      { name: 'openssh-client', version: '1:9.2p1-2+deb12u2', source: 'openssh', arch: 'amd64', ecosystem: 'deb' },
    ],
    services: [],
  };
}

const hostResult = (address: string, fingerprint: string): HostResult => ({
  address,
  hostname: undefined,
  reachable: true,
  openPorts: [{ port: 22, proto: 'tcp', state: 'open' }],
  closedPorts: 0,
  filteredPorts: 0,
  services: [],
  ssh: { hostKey: { algorithm: 'ssh-ed25519', fingerprint }, authenticated: true, inventory: bookworm(address) },
  problems: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:05.000Z',
});

let assetA = '';
let assetB = '';
let findingsA: string[] = [];
let findingsB: string[] = [];

/** What must not move when a request is refused. */
const snapshot = async () => ({
  exceptions: await FindingExceptionModel.find({}).sort({ _id: 1 }).lean(),
  claims: await FindingExceptionClaimModel.countDocuments({}),
  findings: await FindingModel.find({}, { status: 1, exceptionId: 1, exceptionState: 1 }).sort({ _id: 1 }).lean(),
  assets: await AssetModel.find({}, { openFindings: 1, risk: 1, criticality: 1 }).sort({ _id: 1 }).lean(),
});

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  assetA = (await recordHostResult({ encryption: runtime.encryption, businessUnitId: 'unit-a', runId: 'run-a', result: hostResult('127.0.0.41', 'SHA256:unitAKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') }))!.assetId;
  assetB = (await recordHostResult({ encryption: runtime.encryption, businessUnitId: 'unit-b', runId: 'run-b', result: hostResult('127.0.0.42', 'SHA256:unitBKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB') }))!.assetId;
  findingsA = (await FindingModel.find({ assetId: assetA }, { _id: 1 }).sort({ _id: 1 }).lean()).map((f) => f._id);
  findingsB = (await FindingModel.find({ assetId: assetB }, { _id: 1 }).sort({ _id: 1 }).lean()).map((f) => f._id);
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

const inAMonth = () => new Date(Date.now() + 30 * DAY_MS).toISOString();

describe('exceptions', () => {
  it('rejects a bulk request naming another unit’s finding whole: NOT_FOUND, nothing written', async () => {
    expect(findingsA).toHaveLength(2);
    const before = await snapshot();
    await expect(analystA().exceptions.request({ kind: 'false-positive', findingIds: [findingsA[0]!, findingsB[0]!], justification: 'Not reachable from anywhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(analystA().exceptions.request({ kind: 'false-positive', findingIds: ['no-such-finding'], justification: 'Not reachable from anywhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A caller of both units still cannot mix them in one exception.
    await expect(admin().exceptions.request({ kind: 'false-positive', findingIds: [findingsA[0]!, findingsB[0]!], justification: 'Not reachable from anywhere' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses requests without a bounded expiry or justification, and roles without triage', async () => {
    const request = { kind: 'risk-acceptance' as const, findingIds: findingsA, justification: 'Compensating control: port 22 firewalled' };
    await expect(analystA().exceptions.request(request)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'a risk acceptance needs an expiry date' });
    await expect(analystA().exceptions.request({ ...request, expiresAt: new Date(Date.now() + 400 * DAY_MS).toISOString() })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(analystA().exceptions.request({ ...request, expiresAt: new Date(Date.now() - 1000).toISOString() })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(analystA().exceptions.request({ ...request, justification: 'because', expiresAt: inAMonth() })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(callerAs('remediation', 'e0000000000000000000000a', ['unit-a']).exceptions.request({ ...request, expiresAt: inAMonth() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await FindingExceptionModel.countDocuments({})).toBe(0);
  });

  it('needs four eyes: the requester cannot approve their own request; another manager can', async () => {
    const requested = await managerA().exceptions.request({ kind: 'risk-acceptance', findingIds: findingsA, justification: 'Compensating control: port 22 firewalled', expiresAt: inAMonth() });
    expect(requested).toMatchObject({ status: 'requested', businessUnitId: 'unit-a', requestedBy: { id: USERS.managerA } });
    // Requested, not yet approved: still counted as open.
    expect((await AssetModel.findById(assetA, { openFindings: 1 }).lean())!.openFindings.total).toBe(2);
    await expect(analystA().exceptions.request({ kind: 'false-positive', findingIds: [findingsA[0]!], justification: 'Another claim on the same finding' })).rejects.toMatchObject({ code: 'CONFLICT' });

    await expect(managerA().exceptions.approve({ id: requested.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/four-eyes/) });
    await expect(analystA().exceptions.approve({ id: requested.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(managerB().exceptions.approve({ id: requested.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await FindingModel.countDocuments({ exceptionState: { $ne: null } })).toBe(0);

    const approved = await otherManagerA().exceptions.approve({ id: requested.id, note: 'Reviewed the firewall rules' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: { id: USERS.otherManagerA }, decisionNote: 'Reviewed the firewall rules' });
    await expect(otherManagerA().exceptions.approve({ id: requested.id })).rejects.toMatchObject({ code: 'CONFLICT' });

    const covered = await analystA().findings.list({ exception: 'risk-accepted' });
    // Equal risk and severity: in tie order (tie-order.ts; highest hash first in the default order). Covered findings
    // keep their status and run no SLA.
    const inTieOrder = [...findingsA].sort((x, y) => tieHashOf(y) - tieHashOf(x) || x.localeCompare(y));
    expect(covered.items.map((f) => [f.id, f.status, f.exceptionState, f.slaState])).toEqual(inTieOrder.map((id) => [id, 'new', 'risk-accepted', null]));
    expect((await AssetModel.findById(assetA, { openFindings: 1, risk: 1 }).lean())!).toMatchObject({ openFindings: { total: 0 }, risk: { max: 0, total: 0 } });
    expect((await analystA().findings.sla()).counts.find((c) => c.severity === 'high')).toEqual({ severity: 'high', ok: 0, 'due-soon': 0, breached: 0 });
  });

  it('lets the requester revoke: the findings go back to work as reopened', async () => {
    const [live] = (await analystA().exceptions.list({ status: 'approved' })).items;
    await expect(callerAs('analyst', 'f0000000000000000000000a', ['unit-a']).exceptions.revoke({ id: live!.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const revoked = await managerA().exceptions.revoke({ id: live!.id });
    expect(revoked).toMatchObject({ status: 'revoked', endedBy: { id: USERS.managerA } });
    expect(await FindingModel.find({ assetId: assetA }, { status: 1, exceptionId: 1, exceptionState: 1, _id: 0 }).lean()).toEqual([
      { status: 'reopened', exceptionId: null, exceptionState: null },
      { status: 'reopened', exceptionId: null, exceptionState: null },
    ]);
    expect((await AssetModel.findById(assetA, { openFindings: 1 }).lean())!.openFindings.total).toBe(2);
    await expect(managerA().exceptions.revoke({ id: live!.id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('rejects a false-positive claim (not the requester’s own decision), freeing the findings', async () => {
    const claim = await analystA().exceptions.request({ kind: 'false-positive', findingIds: [findingsA[0]!], justification: 'Backported fix confirmed by vendor' });
    expect(claim.expiresAt).toBeNull();
    const rejected = await managerA().exceptions.reject({ id: claim.id, note: 'Vendor statement does not cover bookworm' });
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: { id: USERS.managerA } });
    expect(await FindingModel.findById(findingsA[0], { exceptionId: 1, exceptionState: 1 }).lean()).toMatchObject({ exceptionId: null, exceptionState: null });
    // Free again: a new request may name it.
    const again = await analystA().exceptions.request({ kind: 'false-positive', findingIds: [findingsA[0]!], justification: 'Second opinion from the vendor' });
    await managerA().exceptions.revoke({ id: again.id });
  });

  it('audits every transition, refusals included', async () => {
    const actions = (await AuditEntryModel.find({ action: /^finding_exception\./ }, { action: 1, outcome: 1, _id: 0 }).sort({ seq: 1 }).lean()).map((e) => `${e.action} ${e.outcome}`);
    expect(actions).toEqual([
      'finding_exception.request success',
      'finding_exception.approve failure',
      'finding_exception.approve success',
      'finding_exception.approve failure',
      'finding_exception.revoke success',
      'finding_exception.request success',
      'finding_exception.reject success',
      'finding_exception.request success',
      'finding_exception.revoke success',
    ]);
  });
});

describe('bad input on findings', () => {
  it.each([
    ['an unknown status', { status: 'closed' }],
    ['an unknown SLA state', { slaState: 'late' }],
    ['EPSS outside 0–1', { epssMin: 2 }],
    ['an EPSS range upside down', { epssMin: 0.5, epssMax: 0.1 }],
    ['a CVE with spaces', { cve: 'CVE 2024 6387' }],
    ['an unknown sort', { sortBy: 'owner' }],
    ['a page size above the bound', { pageSize: 1000 }],
    ['KEV neither true nor false', { kev: 'maybe' }],
  ])('rejects %s', async (_name, input) => {
    await expect(analystA().findings.list(input as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('rejects setting another unit’s asset criticality, and criticality outside 1–5; nothing changes', async () => {
    const before = await snapshot();
    await expect(managerB().findings.setAssetCriticality({ id: assetA, criticality: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(managerA().findings.setAssetCriticality({ id: assetA, criticality: 6 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('filters, risk and SLA', () => {
  it('filters by status, severity, KEV, EPSS, package and CVE', async () => {
    const caller = analystA();
    expect((await caller.findings.list({ status: 'open' })).total).toBe(2);
    expect((await caller.findings.list({ status: 'new' })).total).toBe(0);
    expect((await caller.findings.list({ severity: 'high', kev: 'false' })).total).toBe(2);
    expect((await caller.findings.list({ kev: 'true' })).total).toBe(0);
    expect((await caller.findings.list({ package: 'openssh' })).total).toBe(2);
    expect((await caller.findings.list({ package: 'openssh-server', cve: 'CVE-2024-6387' })).items.map((f) => f.package)).toEqual(['openssh-server']);
    expect((await caller.findings.list({ assetId: assetB })).total).toBe(0);
  });

  it('re-scores an asset’s findings when its criticality changes, and rolls risk up per unit', async () => {
    const before = (await FindingModel.findById(findingsA[0], { riskScore: 1 }).lean())!.riskScore;
    const changed = await managerA().findings.setAssetCriticality({ id: assetA, criticality: 5 });
    const after = (await FindingModel.findById(findingsA[0], { riskScore: 1, riskBucket: 1 }).lean())!;
    expect(after.riskScore).toBeCloseTo(Math.min(100, before * 1.25), 0);
    expect(changed).toMatchObject({ criticality: 5, risk: { max: after.riskScore } });
    expect(await AuditEntryModel.countDocuments({ action: 'asset.criticality' })).toBe(1);

    const units = await admin().findings.risk();
    expect(units.map((u) => [u.businessUnitId, u.assets, u.openFindings])).toEqual([
      ['unit-a', 1, 2],
      ['unit-b', 1, 2],
    ]);
    expect(units[0]).toMatchObject({ riskMax: after.riskScore, riskiestAssetId: assetA });
    expect(units[0]!.riskTotal).toBeGreaterThan(units[1]!.riskTotal);
    expect(await managerB().findings.risk()).toEqual([units[1]]);
  });

  it('changes the SLA policy (settings:manage, audited), re-dates open findings and shows breaches', async () => {
    await expect(managerA().findings.setSlaPolicy({ days: { critical: 7, high: 30, medium: 90, low: 180 }, dueSoonDays: 3 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin().findings.setSlaPolicy({ days: { critical: 0, high: 30, medium: 90, low: 180 }, dueSoonDays: 3 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // A finding first seen 40 days ago is past the default 30 days of a high.
    const old = new Date(Date.now() - 40 * DAY_MS);
    await FindingModel.updateOne({ _id: findingsA[0] }, { $set: { firstSeenAt: old } });
    const policy = await admin().findings.setSlaPolicy({ days: { critical: 7, high: 30, medium: 90, low: 180 }, dueSoonDays: 3 });
    expect(policy).toMatchObject({ updatedAt: expect.any(Date), redating: true });
    await untilRedated();
    expect((await FindingModel.findById(findingsA[0], { slaDueAt: 1 }).lean())!.slaDueAt!.getTime()).toBe(old.getTime() + 30 * DAY_MS);
    expect(await AuditEntryModel.countDocuments({ action: 'settings.sla_policy' })).toBe(1);
    expect(await AuditEntryModel.findOne({ action: 'settings.sla_redate' }).lean()).toMatchObject({ actor: { type: 'system', id: SLA_REDATE_JOB }, details: { generation: 1, redatedFindings: expect.any(Number) } });

    const sla = await analystA().findings.sla();
    expect(sla.counts.find((c) => c.severity === 'high')).toEqual({ severity: 'high', ok: 1, 'due-soon': 0, breached: 1 });
    expect(sla.breached).toMatchObject({ total: 1, items: [{ id: findingsA[0], slaState: 'breached' }] });
    expect((await analystA().findings.list({ slaState: 'breached' })).items.map((f) => f.id)).toEqual([findingsA[0]]);
    expect((await managerB().findings.sla()).breached.total).toBe(0);

    // A 42-day high deadline puts it back within its SLA; a day before that deadline it is due soon.
    await admin().findings.setSlaPolicy({ days: { critical: 7, high: 42, medium: 90, low: 180 }, dueSoonDays: 3 });
    await untilRedated();
    const dueAt = old.getTime() + 42 * DAY_MS;
    expect((await getSlaOverview({ scope: { kind: 'units', businessUnitIds: ['unit-a'] }, limit: 10, now: new Date(dueAt - DAY_MS) })).counts.find((c) => c.severity === 'high')).toMatchObject({ 'due-soon': 1 });
  });

  it('leaves a change made while a re-dating runs elsewhere to the sla-redate job, which then does it once', async () => {
    const lease = jobLeaseName(SLA_REDATE_JOB);
    // The previous test's re-dating lets its lease go after it reports done (it audits in between).
    let held = false;
    for (let i = 0; i < 200 && !held; i++) {
      held = await acquireLease({ name: lease, holder: 'other-node', ttlMs: 60_000 });
      if (!held) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(held).toBe(true);
    const policy = await admin().findings.setSlaPolicy({ days: { critical: 7, high: 50, medium: 90, low: 180 }, dueSoonDays: 3 });
    expect(policy.redating).toBe(true);
    const dueBefore = (await FindingModel.findById(findingsA[0], { slaDueAt: 1, firstSeenAt: 1 }).lean())!;
    expect(dueBefore.slaDueAt!.getTime()).toBe(dueBefore.firstSeenAt.getTime() + 42 * DAY_MS);
    await releaseLease({ name: lease, holder: 'other-node' });
    // What the job runs every minute.
    expect(await redateForSlaPolicy()).toMatchObject({ generation: 3, redated: expect.any(Number) });
    expect((await FindingModel.findById(findingsA[0], { slaDueAt: 1 }).lean())!.slaDueAt!.getTime()).toBe(dueBefore.firstSeenAt.getTime() + 50 * DAY_MS);
    expect(await admin().findings.getSlaPolicy()).toMatchObject({ redating: false, days: { high: 50 } });
    expect(await redateForSlaPolicy()).toBeNull();
  });
});
