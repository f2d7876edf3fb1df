import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntryModel } from '../../../../server/models/audit-entry.model';
import type { Runtime } from '../../../../server/runtime/runtime';
import { acquireLease, releaseLease } from '../../../../server/scheduler/lease';
import { jobLeaseName } from '../../../../server/scheduler/scheduler';
import { KB_SYNC_JOB } from '../../../../server/services/kb/run-recorded-kb-sync';
import { setKbSource } from '../../../../server/services/kb/set-kb-source';
import { createServerCaller } from '../../../../server/trpc/root';
import { startFeedServer, type FeedServer } from '../../../helpers/feed-server';
import { fixture } from '../../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { testContext, testPrincipal } from '../../../helpers/trpc-context';

const { uri } = testDatabaseUri();
let runtime: Runtime;
let server: FeedServer;
const caller = (role: 'admin' | 'analyst' = 'admin') => createServerCaller(testContext({ runtime, principal: testPrincipal({ role }) }));

/** Polls the run as the console page does, until it is no longer running. */
async function finished(runId: string) {
  for (let i = 0; i < 600; i++) {
    const run = (await caller().kb.syncRun({ runId }))!;
    if (run.state !== 'running') return run;
    await sleep(100);
  }
  throw new Error(`run ${runId} still running after 60 s`);
}

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  server = await startFeedServer({
    '/kev.json': fixture('kev', 'known_exploited_vulnerabilities.subset.json'),
    '/epss.csv': fixture('epss', 'epss_scores-2025-08-25.subset.csv'),
  });
  await setKbSource({ id: 'kev', urls: [`${server.url}/kev.json`], encryption: runtime.encryption });
  await setKbSource({ id: 'epss', urls: [`${server.url}/epss.csv`], encryption: runtime.encryption });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('KB "sync now"', () => {
  it('has no run to show before the first sync', async () => {
    expect(await caller().kb.syncRun({})).toBeNull();
  });

  it('is refused to roles without kb:manage', async () => {
    await expect(caller('analyst').kb.syncNow({ sourceIds: ['kev'] })).rejects.toThrow('kb:manage');
  });

  it('starts a recorded run at once and reports progress source by source until it ends', async () => {
    const started = await caller().kb.syncNow({ sourceIds: ['kev', 'epss'] });
    expect(started).toMatchObject({ state: 'running', trigger: 'manual', requestedBy: 'admin@vigil.test' });
    expect(started.sources.map((s) => [s.source, s.state])).toEqual([
      ['kev', 'pending'],
      ['epss', 'pending'],
    ]);

    const run = await finished(started.id);
    expect(run.state).toBe('succeeded');
    expect(run.finishedAt).toBeInstanceOf(Date);
    expect(run.sources.every((s) => s.state === 'done' && s.outcome === 'updated' && s.downloaded === 1)).toBe(true);
    expect(run.sources.find((s) => s.source === 'kev')!.created).toBeGreaterThan(0);
    expect(await caller().kb.syncRun({})).toMatchObject({ id: started.id });
    expect(await AuditEntryModel.exists({ action: 'kb.sync', 'target.id': started.id })).not.toBeNull();
  });

  it('never overlaps a sync already running anywhere in the cluster', async () => {
    const lease = jobLeaseName(KB_SYNC_JOB);
    expect(await acquireLease({ name: lease, holder: 'other-node', ttlMs: 60_000 })).toBe(true);
    try {
      await expect(caller().kb.syncNow({ sourceIds: ['kev'] })).rejects.toThrow('a KB sync is already running');
    } finally {
      await releaseLease({ name: lease, holder: 'other-node' });
    }
  });

  it('records a source that fails without losing the others', async () => {
    await setKbSource({ id: 'kev', urls: [`${server.url}/missing.json`], encryption: runtime.encryption });
    const started = await caller().kb.syncNow({ sourceIds: ['kev', 'epss'] });
    const run = await finished(started.id);
    expect(run.state).toBe('partial');
    expect(run.sources.find((s) => s.source === 'kev')).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/404/) });
    expect(run.sources.find((s) => s.source === 'epss')).toMatchObject({ outcome: 'not-modified' });
  });
});
