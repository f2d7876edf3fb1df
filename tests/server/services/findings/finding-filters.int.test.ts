import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../../../server/auth/permissions';
import { BusinessUnitModel } from '../../../../server/models/business-unit.model';
import { FindingModel } from '../../../../server/models/finding.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { recordHostResult } from '../../../../server/services/assets/record-host-result';
import { exportFindingsCsv } from '../../../../server/services/findings/export-findings';
import { createServerCaller } from '../../../../server/trpc/root';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';
import { seedKb } from '../kb/kb-seed';
import { labHostResult } from '../tickets/lab-host-result';

/**
 * The business-unit and age filters of the findings list, its summary and its CSV export, on real FerretDB with
 * findings from recorded host results: a unit takes the units below it, never one outside the caller's; age counts
 * from first seen; invalid values are refused.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const DAY_MS = 86_400_000;

const callerAs = (role: Role, businessUnitIds: string[]) => createServerCaller(testContext({ runtime, principal: testPrincipal({ role, userId: 'a0000000000000000000000f', businessUnitIds }) }));
/** An analyst of EMEA: the unit and Paris below it (as the session resolves a user's scope). */
const emeaAnalyst = () => callerAs('analyst', ['f-emea', 'f-paris']);
const admin = () => callerAs('admin', ['f-root', 'f-emea', 'f-paris', 'f-apac']);

const openOf = async (businessUnitId: string) => FindingModel.countDocuments({ businessUnitId, status: { $in: ['new', 'active', 'reopened'] } });
let paris = 0;
let apac = 0;
let oldParis = 0;

async function record(businessUnitId: string, n: number, daysAgo: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(Date.now() - daysAgo * DAY_MS));
  try {
    return (await recordHostResult({ encryption: runtime.encryption, businessUnitId, runId: `run-${n}`, result: labHostResult({ address: `127.0.0.${80 + n}`, fingerprint: `SHA256:filterHost${n}${'F'.repeat(32)}`, vulnerable: true }) }))!.assetId;
  } finally {
    vi.useRealTimers();
  }
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  await seedKb();
  await BusinessUnitModel.create([
    { _id: 'f-root', name: 'Filters', parentId: null, ancestors: [] },
    { _id: 'f-emea', name: 'EMEA', parentId: 'f-root', ancestors: ['f-root'] },
    { _id: 'f-paris', name: 'Paris', parentId: 'f-emea', ancestors: ['f-root', 'f-emea'] },
    { _id: 'f-apac', name: 'APAC', parentId: 'f-root', ancestors: ['f-root'] },
  ]);
  const oldAsset = await record('f-paris', 1, 40);
  await record('f-paris', 2, 0);
  await record('f-apac', 3, 0);
  paris = await openOf('f-paris');
  apac = await openOf('f-apac');
  oldParis = await FindingModel.countDocuments({ assetId: oldAsset });
  expect(oldParis).toBeGreaterThan(0);
  expect(paris).toBe(2 * oldParis);
  expect(apac).toBe(oldParis);
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

const csvRows = async (options: Parameters<typeof exportFindingsCsv>[0]) => {
  let text = '';
  for await (const chunk of exportFindingsCsv(options)) text += chunk;
  return text.trimEnd().split('\r\n').length - 1;
};

describe('findings filters: business unit', () => {
  it('takes the unit and the units below it, in the list, the summary and the export', async () => {
    const caller = emeaAnalyst();
    expect((await caller.findings.list({ businessUnitId: 'f-emea' })).total).toBe(paris);
    expect((await caller.findings.list({ businessUnitId: 'f-paris' })).items.every((finding) => finding.assetName !== '')).toBe(true);
    expect((await caller.findings.summary({ businessUnitId: 'f-emea' })).openTotal).toBe(paris);
    const scope = { kind: 'units', businessUnitIds: ['f-emea', 'f-paris'] } as const;
    expect(await csvRows({ scope, filter: { businessUnitId: 'f-paris' }, sort: { by: 'risk', direction: 'desc' } })).toBe(paris);
    const all = await admin().findings.list({ businessUnitId: 'f-root' });
    expect(all.total).toBe(paris + apac);
    expect((await admin().findings.list({ businessUnitId: 'f-apac' })).total).toBe(apac);
  });

  it('finds nothing for a unit outside the caller’s, or none, exactly as for an asset of another unit', async () => {
    const caller = emeaAnalyst();
    expect((await caller.findings.list({ businessUnitId: 'f-apac' })).total).toBe(0);
    // A unit above the caller's reaches only the caller's part of it.
    expect((await caller.findings.list({ businessUnitId: 'f-root' })).total).toBe(paris);
    expect((await caller.findings.list({ businessUnitId: 'no-such-unit' })).total).toBe(0);
    expect((await caller.findings.summary({ businessUnitId: 'f-apac' })).openTotal).toBe(0);
    const scope = { kind: 'units', businessUnitIds: ['f-emea', 'f-paris'] } as const;
    expect(await csvRows({ scope, filter: { businessUnitId: 'f-apac' }, sort: { by: 'risk', direction: 'desc' } })).toBe(0);
  });
});

describe('findings filters: age', () => {
  it('keeps findings first seen more than N days ago, combined with the other filters', async () => {
    const caller = admin();
    expect((await caller.findings.list({ olderThanDays: 30 })).total).toBe(oldParis);
    expect((await caller.findings.list({ olderThanDays: 41 })).total).toBe(0);
    expect((await caller.findings.list({ olderThanDays: 30, businessUnitId: 'f-apac' })).total).toBe(0);
    expect((await caller.findings.summary({ olderThanDays: 30 })).openTotal).toBe(oldParis);
    const scope = { kind: 'units', businessUnitIds: ['f-root', 'f-emea', 'f-paris', 'f-apac'] } as const;
    expect(await csvRows({ scope, filter: { olderThanDays: 30, businessUnitId: 'f-emea' }, sort: { by: 'firstSeenAt', direction: 'asc' } })).toBe(oldParis);
    const old = await caller.findings.list({ olderThanDays: 30, sortBy: 'firstSeenAt', sortDirection: 'desc' });
    expect(old.items.every((finding) => Date.parse(finding.firstSeenAt) < Date.now() - 30 * DAY_MS)).toBe(true);
  });

  it('refuses ages that are not whole days from 1 to 3650, and an empty unit: BAD_REQUEST', async () => {
    const caller = admin();
    for (const olderThanDays of [0, -1, 3651, 2.5]) await expect(caller.findings.list({ olderThanDays }), String(olderThanDays)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.findings.summary({ businessUnitId: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
