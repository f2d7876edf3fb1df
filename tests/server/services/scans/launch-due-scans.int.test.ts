import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../../../server/auth/scope';
import { ScanModel } from '../../../../server/models/scan.model';
import { ScanRunModel } from '../../../../server/models/scan-run.model';
import { controlScanRun } from '../../../../server/services/scans/control-scan-run';
import { createScan } from '../../../../server/services/scans/create-scan';
import { latestOccurrence, launchDueScans } from '../../../../server/services/scans/launch-due-scans';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
const actor = { type: 'system' as const, id: 'test' };
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('latestOccurrence', () => {
  it.each([
    ['*/5 * * * *', '2026-12-01T10:00:00Z', '2026-12-01T10:07:30Z', '2026-12-01T10:05:00.000Z'],
    ['0 2 * * *', '2026-11-30T02:00:00Z', '2026-12-01T09:00:00Z', '2026-12-01T02:00:00.000Z'],
    ['0 2 * * *', '2026-12-01T02:00:00Z', '2026-12-01T09:00:00Z', null],
    // Missed for days: only the last day is looked at, and only the latest occurrence is returned.
    ['0 * * * *', '2026-11-01T00:00:00Z', '2026-12-01T09:30:00Z', '2026-12-01T09:00:00.000Z'],
  ])('%s after %s at %s → %s', (schedule, after, now, expected) => {
    expect(latestOccurrence({ schedule, after: at(after), now: at(now) })?.toISOString() ?? null).toBe(expected);
  });
});

describe('scheduled scans', () => {
  it('launches each occurrence once, however many console nodes ask at the same time', async () => {
    const scan = await createScan({ scope: SYSTEM_SCOPE, actor, input: { name: 'nightly', targets: ['127.0.0.1'], ports: '22', schedule: '*/5 * * * *' } });
    await createScan({ scope: SYSTEM_SCOPE, actor, input: { name: 'on-demand', targets: ['127.0.0.1'], ports: '22' } });
    await ScanModel.updateOne({ _id: scan._id }, { $set: { lastScheduledFor: at('2026-12-01T10:00:00Z') } });
    const now = at('2026-12-01T10:06:10Z');
    const outcomes = (await Promise.all([launchDueScans({ now }), launchDueScans({ now }), launchDueScans({ now })])).flat();
    expect(outcomes).toEqual([expect.objectContaining({ scan: 'nightly', occurrence: '2026-12-01T10:05:00.000Z', outcome: 'launched' })]);
    expect(await ScanRunModel.countDocuments({ scanId: scan._id, trigger: 'schedule' })).toBe(1);
    expect(await launchDueScans({ now: at('2026-12-01T10:09:00Z') })).toEqual([]);
  });

  it('skips an occurrence while the previous run is still active, then launches again once it ended', async () => {
    const scan = await ScanModel.findOne({ name: 'nightly' }).lean();
    const skipped = await launchDueScans({ now: at('2026-12-01T10:10:05Z') });
    expect(skipped).toEqual([expect.objectContaining({ scan: 'nightly', outcome: 'skipped: previous run still active' })]);
    const active = await ScanRunModel.findOne({ scanId: scan!._id, status: 'running' }).lean();
    await controlScanRun({ scope: SYSTEM_SCOPE, runId: active!._id, action: 'cancel', actor });
    const launched = await launchDueScans({ now: at('2026-12-01T10:15:01Z') });
    expect(launched).toEqual([expect.objectContaining({ occurrence: '2026-12-01T10:15:00.000Z', outcome: 'launched' })]);
  });
});
