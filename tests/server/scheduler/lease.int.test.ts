import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease, releaseLease } from '../../../server/scheduler/lease';
import { startScheduler } from '../../../server/scheduler/scheduler';
import { createLogger } from '../../../server/logging/logger';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();

beforeAll(async () => {
  await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('job leases (one runner per cluster, no transactions)', () => {
  it('goes to one holder at a time, renews for the holder and frees on expiry or release', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    expect(await acquireLease({ name: 'job:x', holder: 'node-a', ttlMs: 60_000, now: t0 })).toBe(true);
    expect(await acquireLease({ name: 'job:x', holder: 'node-b', ttlMs: 60_000, now: t0 })).toBe(false);
    expect(await acquireLease({ name: 'job:x', holder: 'node-a', ttlMs: 60_000, now: new Date(t0.getTime() + 30_000) })).toBe(true);
    expect(await acquireLease({ name: 'job:x', holder: 'node-b', ttlMs: 60_000, now: new Date(t0.getTime() + 60_000) })).toBe(false);
    expect(await acquireLease({ name: 'job:x', holder: 'node-b', ttlMs: 60_000, now: new Date(t0.getTime() + 91_000) })).toBe(true);
    await releaseLease({ name: 'job:x', holder: 'node-b' });
    expect(await acquireLease({ name: 'job:x', holder: 'node-a', ttlMs: 60_000, now: new Date(t0.getTime() + 92_000) })).toBe(true);
  });

  it('goes to exactly one of many concurrent takers, also when the lease exists and is free', async () => {
    for (const round of [1, 2, 3]) {
      const holders = Array.from({ length: 10 }, (_, i) => `race-${round}-${i}`);
      const won = await Promise.all(holders.map((holder) => acquireLease({ name: 'job:race', holder, ttlMs: 60_000 })));
      expect(won.filter(Boolean)).toHaveLength(1);
      await releaseLease({ name: 'job:race', holder: holders[won.indexOf(true)]! });
    }
  });

  it('of two concurrent schedulers only one runs a job', async () => {
    const log = createLogger({ level: 'silent' });
    let runs = 0;
    const job = { name: 'count', schedule: '0 0 1 1 *', maxRunMs: 60_000, run: async () => { runs += 1; await new Promise((r) => setTimeout(r, 200)); } };
    const [s1, s2] = [startScheduler({ jobs: [job], log }), startScheduler({ jobs: [job], log })];
    const ran = await Promise.all([s1.runNow('count'), s2.runNow('count')]);
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    await Promise.all([s1.stop(), s2.stop()]);
  });

  it('rejects an invalid cron expression', () => {
    expect(() => startScheduler({ jobs: [{ name: 'bad', schedule: 'every day', maxRunMs: 1, run: async () => undefined }], log: createLogger({ level: 'silent' }) })).toThrow(/invalid cron expression/);
  });
});
