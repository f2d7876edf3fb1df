import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../../server/runtime/runtime';
import { DEFAULT_INTERVAL_SECONDS, listDeploymentNodes } from '../../../../server/services/deployment/list-deployment-nodes';
import { recordDeploymentReport } from '../../../../server/services/deployment/record-deployment-report';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../../helpers/test-db';
import { APPLIED_COMMIT, driftTask, driftedPart, sampleReport, serviceReport } from './deployment-report-sample';

/**
 * The deployment status on real FerretDB: which report of a node counts as its newest, when a node is stale (two of
 * its own timer intervals without a report, or two hours when it sent none), and what a node that never applied
 * anything, or whose drift check failed, looks like.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;
const MINUTE = 60_000;
const now = new Date();
const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);

const record = (report: Record<string, unknown>, receivedAt: Date) => recordDeploymentReport({ encryption: runtime.encryption, report: serviceReport(report), tokenId: null, now: receivedAt });
const statusOf = async (node: string) => (await listDeploymentNodes({ now })).find((item) => item.node === node)!;

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('deployment status', () => {
  it('is stale after two of the node’s own intervals without a report', async () => {
    await record(sampleReport('fresh', { intervalSeconds: 900 }, ago(29)), ago(29));
    await record(sampleReport('quiet', { intervalSeconds: 900 }, ago(31)), ago(31));
    expect(await statusOf('fresh')).toMatchObject({ stale: false, staleAfterSeconds: 1800, ageSeconds: 29 * 60 });
    expect(await statusOf('quiet')).toMatchObject({ stale: true, staleAfterSeconds: 1800, ageSeconds: 31 * 60 });
  });

  it('assumes a one-hour interval for a node that sent none: stale after two hours', async () => {
    expect(DEFAULT_INTERVAL_SECONDS).toBe(3600);
    await record(sampleReport('silent-1', { intervalSeconds: null }, ago(119)), ago(119));
    await record(sampleReport('silent-2', { intervalSeconds: null }, ago(121)), ago(121));
    expect(await statusOf('silent-1')).toMatchObject({ stale: false, staleAfterSeconds: 7200, intervalSeconds: null });
    expect(await statusOf('silent-2')).toMatchObject({ stale: true, staleAfterSeconds: 7200 });
  });

  it('takes the report the node finished last as its newest, even when an older one arrives after it', async () => {
    await record(sampleReport('late', { drift: driftedPart([driftTask('Write the console environment', 'newest')]) }, ago(10)), ago(10));
    // An older report from the node's outbox, delivered later.
    await record(sampleReport('late', { kind: 'drift' }, ago(25)), ago(1));
    const node = await statusOf('late');
    expect(node.drift).toMatchObject({ state: 'drift', changedTasks: 1 });
    expect(node.drift!.tasks[0]!.diff).toContain('newest');
    expect(node.lastRun.kind).toBe('reconcile');
    expect(node.recentRuns.map((run) => run.kind)).toEqual(['reconcile', 'drift']);
    expect(node.ageSeconds).toBe(10 * 60);
  });

  it('takes the report received last as the newest of two the node finished in the same second (it stamps to the second)', async () => {
    const second = ago(5);
    for (let i = 0; i < 6; i++) {
      const node = `same-second-${i}`;
      await record(sampleReport(node, { kind: 'drift' }, second), new Date(second.getTime() + 1));
      await record(sampleReport(node, { kind: 'reconcile' }, second), new Date(second.getTime() + 2));
      expect((await statusOf(node)).lastRun.kind, node).toBe('reconcile');
    }
  });

  it('shows a refused head, a node that never applied anything and a failed drift check as they were sent', async () => {
    const unsigned = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
    await record(
      sampleReport('refusing', {
        reconcile: { at: ago(5).toISOString(), commit: unsigned, result: 'refused', verification: 'unsigned', changed: null, message: `refused commit ${unsigned}: it is not signed` },
      }, ago(5)),
      ago(5),
    );
    await record(
      sampleReport('new-node', {
        applied: null,
        reconcile: { at: ago(5).toISOString(), commit: null, result: 'failed', verification: null, changed: null, message: 'branch main does not exist in file:///srv/cluster.git' },
        drift: { checkedAt: ago(5).toISOString(), commit: null, state: 'error', changedTasks: 0, truncated: false, error: 'no commit has been applied yet', tasks: [] },
      }, ago(5)),
      ago(5),
    );
    expect(await statusOf('refusing')).toMatchObject({
      applied: { sha: APPLIED_COMMIT },
      reconcile: { result: 'refused', verification: 'unsigned', commit: unsigned, message: `refused commit ${unsigned}: it is not signed` },
      lastRun: { reconcileResult: 'refused', verification: 'unsigned', commit: APPLIED_COMMIT, durationSeconds: 42 },
    });
    expect(await statusOf('new-node')).toMatchObject({
      applied: null,
      reconcile: { result: 'failed', verification: null, message: 'branch main does not exist in file:///srv/cluster.git' },
      drift: { state: 'error', error: 'no commit has been applied yet', tasks: [] },
    });
  });
});
