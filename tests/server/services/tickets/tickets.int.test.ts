import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../server/auth/permissions';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import { FindingModel } from '../../../../server/models/finding.model';
import { RemediationTicketModel } from '../../../../server/models/remediation-ticket.model';
import { UserModel } from '../../../../server/models/user.model';
import { WebhookDeliveryModel } from '../../../../server/models/webhook-delivery.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { verifyAssetTickets } from '../../../../server/services/tickets/verify-asset-tickets';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { labHostResult } from './lab-host-result';

/**
 * Tickets on real FerretDB through tRPC: requests naming another unit's finding or user rejected whole with nothing
 * written; assignee, due date, status and comments, each audited; reads scoped to the caller's units; verification
 * by recorded results (all fixed → resolved, back → reopened) and two verifications racing on one ticket.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const DAY_MS = 86_400_000;
const KEY_A = 'SHA256:ticketsAKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const callerAs = (role: Role, userId: string, businessUnitIds: string[]) => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId, businessUnitIds }) }));
const remediationA = () => callerAs('remediation', 'e0000000000000000000000a', ['unit-a']);
const remediationB = () => callerAs('remediation', 'e0000000000000000000000b', ['unit-b']);
const auditorA = () => callerAs('auditor', 'f0000000000000000000000a', ['unit-a']);
const adminAB = () => callerAs('admin', 'd00000000000000000000000', ['unit-a', 'unit-b']);

let assetA = '';
let findingsA: string[] = [];
let findingsB: string[] = [];
let userA = '';
let userB = '';
let ticketId = '';

const recordA = (runId: string, vulnerable: boolean) => recordHostResult({ encryption: runtime.encryption, businessUnitId: 'unit-a', runId, result: labHostResult({ address: '127.0.0.61', fingerprint: KEY_A, vulnerable }) });

/** What must not move when a request is refused. */
const snapshot = async () => ({
  tickets: await RemediationTicketModel.find({}).sort({ _id: 1 }).lean(),
  audit: await AuditEntryModel.countDocuments({ action: { $regex: '^ticket\\.' } }),
  deliveries: await WebhookDeliveryModel.countDocuments({}),
});

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  assetA = (await recordA('run-1', true))!.assetId;
  const assetB = (await recordHostResult({ encryption: runtime.encryption, businessUnitId: 'unit-b', runId: 'run-b', result: labHostResult({ address: '127.0.0.62', fingerprint: 'SHA256:ticketsBKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', vulnerable: true }) }))!.assetId;
  findingsA = (await FindingModel.find({ assetId: assetA }, { _id: 1 }).sort({ _id: 1 }).lean()).map((f) => f._id);
  findingsB = (await FindingModel.find({ assetId: assetB }, { _id: 1 }).sort({ _id: 1 }).lean()).map((f) => f._id);
  userA = String((await UserModel.create({ email: 'fixer-a@vigil.test', role: 'remediation', businessUnitId: 'unit-a' }))._id);
  userB = String((await UserModel.create({ email: 'fixer-b@vigil.test', role: 'remediation', businessUnitId: 'unit-b' }))._id);
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('remediation tickets', () => {
  it('rejects a request naming another unit’s finding or user whole: NOT_FOUND, nothing written', async () => {
    expect(findingsA.length).toBeGreaterThan(0);
    const before = await snapshot();
    await expect(remediationA().tickets.create({ title: 'Mixed units', findingIds: [findingsA[0]!, findingsB[0]!] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(remediationA().tickets.create({ title: 'Other unit only', findingIds: findingsB })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(remediationA().tickets.create({ title: 'No such finding', findingIds: ['no-such-finding'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(remediationA().tickets.create({ title: 'Foreign assignee', findingIds: findingsA, assigneeId: userB })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A caller of both units still cannot mix them, nor assign someone who cannot see the unit.
    await expect(adminAB().tickets.create({ title: 'Mixed units', findingIds: [findingsA[0]!, findingsB[0]!] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(adminAB().tickets.create({ title: 'Blind assignee', findingIds: findingsA, assigneeId: userB })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(remediationA().tickets.create({ title: 'Too late', findingIds: findingsA, dueAt: new Date(Date.now() - DAY_MS).toISOString() })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(auditorA().tickets.create({ title: 'Read-only role', findingIds: findingsA })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
  });

  it('creates a ticket with assignee and due date, audited, readable in its unit only', async () => {
    const dueAt = new Date(Date.now() + 14 * DAY_MS).toISOString();
    const ticket = await remediationA().tickets.create({ title: 'Upgrade OpenSSH on lab-a', description: 'Debian security update', findingIds: findingsA, assigneeId: userA, dueAt });
    ticketId = ticket.id;
    expect(ticket).toMatchObject({ businessUnitId: 'unit-a', status: 'open', findingIds: findingsA, assetIds: [assetA], assignee: { id: userA, email: 'fixer-a@vigil.test' }, dueAt, verification: null, version: 1 });
    expect(await auditorA().tickets.get({ id: ticketId })).toEqual(ticket);
    expect((await auditorA().tickets.list({ assigneeId: userA })).items.map((t) => t.id)).toEqual([ticketId]);
    expect((await auditorA().tickets.list({ findingId: findingsA[0]! })).total).toBe(1);
    expect((await auditorA().tickets.list({ status: 'resolved' })).total).toBe(0);
    await expect(remediationB().tickets.get({ id: ticketId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await remediationB().tickets.list({})).total).toBe(0);
    await expect(remediationB().tickets.update({ id: ticketId, status: 'closed' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(remediationB().tickets.comment({ id: ticketId, text: 'not mine' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await AuditEntryModel.countDocuments({ action: 'ticket.create', 'target.id': ticketId, businessUnitId: 'unit-a' })).toBe(1);
  });

  it('updates status and due date and takes comments; a request that changes nothing writes nothing', async () => {
    const updated = await remediationA().tickets.update({ id: ticketId, status: 'in-progress', dueAt: null, assigneeId: null });
    expect(updated).toMatchObject({ status: 'in-progress', dueAt: null, assignee: null, version: 2 });
    expect(await remediationA().tickets.update({ id: ticketId, status: 'in-progress' })).toMatchObject({ version: 2 });
    const commented = await remediationA().tickets.comment({ id: ticketId, text: 'Scheduled for the Thursday window' });
    expect(commented.comments).toEqual([{ at: expect.any(String), by: { id: 'e0000000000000000000000a', email: 'remediation@vigil.test' }, text: 'Scheduled for the Thursday window' }]);
    expect(commented.version).toBe(3);
    expect(await AuditEntryModel.countDocuments({ action: { $in: ['ticket.update', 'ticket.comment'] }, 'target.id': ticketId })).toBe(2);
  });

  it('resolves itself when a result shows all its findings fixed, and reopens with what remains when they return', async () => {
    await recordA('run-2', false);
    const resolved = await auditorA().tickets.get({ id: ticketId });
    expect(resolved).toMatchObject({ status: 'resolved', verification: { runId: 'run-2', remaining: [] } });
    // The same result recorded again changes nothing.
    await recordA('run-2', false);
    expect((await auditorA().tickets.get({ id: ticketId })).version).toBe(resolved.version);

    await recordA('run-3', true);
    expect(await auditorA().tickets.get({ id: ticketId })).toMatchObject({ status: 'reopened', verification: { runId: 'run-3', remaining: findingsA } });
    expect(await AuditEntryModel.countDocuments({ action: { $in: ['ticket.resolve', 'ticket.reopen'] }, 'target.id': ticketId, 'actor.type': 'system' })).toBe(2);
  });

  it('lets two verifications racing on one ticket apply its change once', async () => {
    // Someone claims it fixed while the findings are still open: every racing check finds it must reopen.
    await remediationA().tickets.update({ id: ticketId, status: 'resolved' });
    const version = (await auditorA().tickets.get({ id: ticketId })).version;
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyAssetTickets({ businessUnitId: 'unit-a', assetId: assetA, runId: 'run-3', at: new Date() })));
    expect(results.reduce((sum, r) => sum + r.changed, 0)).toBe(1);
    expect(await auditorA().tickets.get({ id: ticketId })).toMatchObject({ status: 'reopened', version: version + 1 });
  });

  it('stops verifying a closed ticket', async () => {
    await remediationA().tickets.update({ id: ticketId, status: 'closed' });
    await recordA('run-4', false);
    expect(await auditorA().tickets.get({ id: ticketId })).toMatchObject({ status: 'closed', verification: { runId: 'run-3' } });
  });
});
