import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE, type Scope } from '../../../../server/auth/scope';
import { AUDIT_CSV_COLUMNS, exportAuditCsv, listAuditEntries, type AuditFilter } from '../../../../server/services/audit/list-audit-entries';
import { recordAudit } from '../../../../server/services/audit/record-audit';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
const unitA: Scope = { kind: 'units', businessUnitIds: ['unit-a'] };
const unitsAB: Scope = { kind: 'units', businessUnitIds: ['unit-a', 'unit-b'] };
const newestFirst = { by: 'seq', direction: 'desc' } as const;

const list = (scope: Scope, filter: AuditFilter = {}, page = 1, pageSize = 50) => listAuditEntries({ scope, filter, page, pageSize, sort: newestFirst });

async function csvOf(scope: Scope, filter: AuditFilter = {}): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportAuditCsv({ scope, filter })) lines.push(line);
  return lines;
}

let secondLoginAt: Date;

beforeAll(async () => {
  await openTestRuntime({ uri });
  const alice = { type: 'user', id: 'u-alice', email: 'Alice@Example.test' } as const;
  await recordAudit({ actor: alice, action: 'auth.login', ip: '127.0.2.1', outcome: 'success' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  secondLoginAt = new Date();
  await recordAudit({ actor: { type: 'anonymous' }, action: 'auth.login', ip: '127.0.2.66', outcome: 'failure', reason: 'wrong password', details: { email: 'bob@example.test' } });
  await recordAudit({ actor: alice, action: 'auth.logout', outcome: 'success' });
  await recordAudit({ actor: alice, action: 'credential.add', target: { type: 'credential', id: 'c1', label: '=HYPERLINK("http://evil")' }, outcome: 'success', businessUnitId: 'unit-a' });
  await recordAudit({ actor: alice, action: 'credential.delete', target: { type: 'credential', id: 'c2', label: 'lab, "north"' }, outcome: 'success', businessUnitId: 'unit-b' });
  await recordAudit({ actor: { type: 'token', id: 't1' }, action: 'authz.check', outcome: 'failure', reason: 'forbidden', businessUnitId: 'unit-a' });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('listing audit entries', () => {
  it('shows the system scope everything, newest first, with the stored fields', async () => {
    const result = await list(SYSTEM_SCOPE);
    expect(result.total).toBe(6);
    expect(result.items.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(result.items[4]).toMatchObject({ action: 'auth.login', outcome: 'failure', reason: 'wrong password', ip: '127.0.2.66', actor: { type: 'anonymous', id: null, email: null }, details: { email: 'bob@example.test' } });
    expect(result.items[4]!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('shows a unit-scoped reader only entries of its units', async () => {
    expect((await list(unitA)).items.map((e) => e.action)).toEqual(['authz.check', 'credential.add']);
    expect((await list(unitsAB)).items.map((e) => e.businessUnitId)).toEqual(['unit-a', 'unit-b', 'unit-a']);
    expect((await list({ kind: 'units', businessUnitIds: [] })).total).toBe(0);
  });

  it('filters by action or dotted action prefix, actor e-mail, outcome, target type and time', async () => {
    expect((await list(SYSTEM_SCOPE, { action: 'auth' })).items.map((e) => e.action)).toEqual(['auth.logout', 'auth.login', 'auth.login']);
    expect((await list(SYSTEM_SCOPE, { action: 'auth.login' })).total).toBe(2);
    expect((await list(SYSTEM_SCOPE, { action: 'aut' })).total).toBe(0);
    expect((await list(SYSTEM_SCOPE, { actorEmail: 'alice@example' })).total).toBe(4);
    expect((await list(SYSTEM_SCOPE, { actorEmail: '.*' })).total).toBe(0);
    expect((await list(SYSTEM_SCOPE, { outcome: 'failure' })).items.map((e) => e.seq)).toEqual([6, 2]);
    expect((await list(SYSTEM_SCOPE, { targetType: 'credential' })).total).toBe(2);
    expect((await list(SYSTEM_SCOPE, { to: new Date(secondLoginAt.getTime() - 1) })).items.map((e) => e.seq)).toEqual([1]);
    expect((await list(SYSTEM_SCOPE, { from: secondLoginAt, outcome: 'success' })).items.map((e) => e.seq)).toEqual([5, 4, 3]);
    expect((await list(unitA, { outcome: 'success' })).items.map((e) => e.seq)).toEqual([4]);
  });

  it('pages and sorts on the server with a total order', async () => {
    const page2 = await list(SYSTEM_SCOPE, {}, 2, 4);
    expect(page2).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(page2.items.map((e) => e.seq)).toEqual([2, 1]);
    const byAction = await listAuditEntries({ scope: SYSTEM_SCOPE, filter: {}, page: 1, pageSize: 10, sort: { by: 'action', direction: 'asc' } });
    expect(byAction.items.map((e) => `${e.action}#${e.seq}`)).toEqual(['auth.login#1', 'auth.login#2', 'auth.logout#3', 'authz.check#6', 'credential.add#4', 'credential.delete#5']);
    expect((await list(SYSTEM_SCOPE, {}, 1, 10_000)).pageSize).toBe(200);
  });
});

describe('exporting audit entries as CSV', () => {
  it('streams a header and one quoted, formula-safe line per entry the reader may see, oldest first', async () => {
    const lines = await csvOf(unitsAB);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
    expect(lines.every((line) => line.endsWith('\r\n'))).toBe(true);
    expect(lines[1]).toMatch(/^4,\d{4}-[^,]+,user,u-alice,Alice@Example\.test,credential\.add,credential,c1,"'=HYPERLINK\(""http:\/\/evil""\)",,success,,,unit-a,[0-9a-f]{64}\r\n$/);
    expect(lines[2]).toContain(',credential,c2,"lab, ""north""",');
    expect(lines[3]).toMatch(/^6,.*,token,t1,,authz\.check,,,,,failure,forbidden,,unit-a,/);
  });

  it('applies the filter and writes details as JSON', async () => {
    const lines = await csvOf(SYSTEM_SCOPE, { outcome: 'failure', action: 'auth' });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',failure,wrong password,"{""email"":""bob@example.test""}",root,');
  });
});
