import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../server/auth/permissions';
import { FindingModel } from '../../../../server/models/finding.model';
import { UserModel } from '../../../../server/models/user.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { labHostResult } from './lab-host-result';

/**
 * What the ticket pages read, on real FerretDB through tRPC: the list sorted, a ticket's findings (fixed ones too),
 * its history from the audit log (people and scan results), and the people it can be assigned to — each within the
 * caller's units only; the people (their e-mails) only for those who assign tickets.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const DAY_MS = 86_400_000;
const KEY = 'SHA256:ticketReadsKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const callerAs = (role: Role, userId: string, businessUnitIds: string[]) => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId, businessUnitIds }) }));
const analystA = () => callerAs('analyst', 'e0000000000000000000001a', ['unit-a']);
const auditorB = () => callerAs('auditor', 'e0000000000000000000001b', ['unit-b']);
const remediationB = () => callerAs('remediation', 'e0000000000000000000002b', ['unit-b']);

let findingsA: string[] = [];
const tickets: string[] = [];

const recordA = (runId: string, vulnerable: boolean) => recordHostResult({ encryption: runtime.encryption, businessUnitId: 'unit-a', runId, result: labHostResult({ address: '127.0.0.71', fingerprint: KEY, vulnerable }) });

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  const assetA = (await recordA('run-1', true))!.assetId;
  findingsA = (await FindingModel.find({ assetId: assetA }, { _id: 1 }).sort({ _id: 1 }).lean()).map((f) => f._id);
  await UserModel.create([
    { email: 'fixer-a@vigil.test', name: 'Fixer A', role: 'remediation', businessUnitId: 'unit-a' },
    { email: 'gone-a@vigil.test', role: 'remediation', businessUnitId: 'unit-a', disabled: true },
    { email: 'fixer-b@vigil.test', role: 'remediation', businessUnitId: 'unit-b' },
  ]);
  const caller = analystA();
  for (const [title, days] of [['Patch ssh (b)', 20], ['Patch ssh (a)', 5], ['Patch ssh (c)', 40]] as const) {
    tickets.push((await caller.tickets.create({ title, findingIds: findingsA, dueAt: new Date(Date.now() + days * DAY_MS).toISOString() })).id);
  }
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('ticket reads for the console', () => {
  it('sorts the list by due date, title or creation, both ways; newest change first by default', async () => {
    const caller = analystA();
    const titles = async (input: Parameters<ReturnType<typeof analystA>['tickets']['list']>[0]) => (await caller.tickets.list(input)).items.map((ticket) => ticket.title);
    expect(await titles({ sortBy: 'dueAt', sortDirection: 'asc' })).toEqual(['Patch ssh (a)', 'Patch ssh (b)', 'Patch ssh (c)']);
    expect(await titles({ sortBy: 'title', sortDirection: 'desc' })).toEqual(['Patch ssh (c)', 'Patch ssh (b)', 'Patch ssh (a)']);
    expect(await titles({ sortBy: 'createdAt', sortDirection: 'asc' })).toEqual(['Patch ssh (b)', 'Patch ssh (a)', 'Patch ssh (c)']);
    expect(await titles({})).toEqual(['Patch ssh (c)', 'Patch ssh (a)', 'Patch ssh (b)']);
    expect(await titles({ sortBy: 'dueAt', sortDirection: 'asc', page: 2, pageSize: 2 })).toEqual(['Patch ssh (c)']);
    await expect(caller.tickets.list({ sortBy: 'findingIds' as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('lists the enabled people of the caller’s units as assignees, never another unit’s', async () => {
    const assignees = await analystA().tickets.assignees();
    expect(assignees.map((person) => person.email)).toEqual(['fixer-a@vigil.test']);
    expect(assignees[0]).toMatchObject({ name: 'Fixer A', businessUnitId: 'unit-a' });
    expect(Object.keys(assignees[0]!).sort()).toEqual(['businessUnitId', 'email', 'id', 'name']);
    expect((await remediationB().tickets.assignees()).map((person) => person.email)).toEqual(['fixer-b@vigil.test']);
  });

  it('keeps the assignees’ e-mails from readers who cannot assign (findings:read without findings:remediate)', async () => {
    await expect(auditorB().tickets.assignees()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // The tickets themselves stay readable.
    expect((await auditorB().tickets.list({})).items).toEqual([]);
  });

  it('gives a ticket’s findings, fixed ones too, and its history: created, changed, commented, resolved by a scan', async () => {
    const caller = analystA();
    const [ticketId] = tickets as [string];
    const assignee = (await caller.tickets.assignees())[0]!;
    await caller.tickets.update({ id: ticketId, status: 'in-progress', assigneeId: assignee.id });
    await caller.tickets.comment({ id: ticketId, text: 'Upgrading on Thursday.' });
    await recordA('run-2', false);

    const findings = await caller.tickets.findings({ id: ticketId, sortBy: 'vulnId', sortDirection: 'asc' });
    expect(findings.total).toBe(findingsA.length);
    expect(findings.items.map((finding) => finding.status)).toEqual(findingsA.map(() => 'fixed'));
    expect(findings.items.every((finding) => finding.assetName.length > 0)).toBe(true);
    expect((await caller.tickets.findings({ id: ticketId, page: 2, pageSize: 1 })).items).toHaveLength(findingsA.length > 1 ? 1 : 0);

    const history = await caller.tickets.history({ id: ticketId });
    expect(history.map((entry) => entry.action)).toEqual(['ticket.create', 'ticket.update', 'ticket.comment', 'ticket.resolve']);
    expect(history[1]).toMatchObject({ actor: { type: 'user', email: 'analyst@vigil.test' }, details: { previousStatus: 'open', status: 'in-progress', assignee: 'fixer-a@vigil.test' } });
    expect(history[3]).toMatchObject({ actor: { type: 'system', email: null }, details: { runId: 'run-2', remaining: 0, status: 'resolved' } });
    expect(history.map((entry) => entry.seq)).toEqual([...history.map((entry) => entry.seq)].sort((a, b) => a - b));
    expect((await caller.tickets.get({ id: ticketId })).status).toBe('resolved');
  });

  it('answers NOT_FOUND for another unit’s ticket, and BAD_REQUEST for an id that is not one', async () => {
    const [ticketId] = tickets as [string];
    await expect(auditorB().tickets.findings({ id: ticketId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(auditorB().tickets.history({ id: ticketId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(analystA().tickets.history({ id: 'not-a-ticket' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(analystA().tickets.findings({ id: ticketId, pageSize: 1000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
