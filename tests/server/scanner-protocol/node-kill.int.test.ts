import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_SCOPE } from '../../../server/auth/scope';
import { ScanHostResultModel, ScanJobModel } from '../../../server/models/scan-job.model';
import { ScanRunModel } from '../../../server/models/scan-run.model';
import type { Runtime } from '../../../server/runtime/runtime';
import { createScan } from '../../../server/services/scans/create-scan';
import { launchScan } from '../../../server/services/scans/launch-scan';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { enrollTestNode, startProtocolConsole, type ProtocolConsole, type TestNode } from '../../helpers/scanner-lab';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

/**
 * SPEC §3: a job whose node dies is resumed by another node, and no host is lost or stored twice. Each trial
 * SIGKILLs the node holding a lease in the middle of its job (after it delivered at least one host, before the
 * last), restarts it, and checks the run's results.
 */
const TRIALS = 20;
const HOSTS = 6;
const LEASE_MS = 3000;
const actor = { type: 'system' as const, id: 'test' };

const { uri } = testDatabaseUri();
let runtime: Runtime;
let consoleServer: ProtocolConsole;
let nodes: TestNode[] = [];

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
  consoleServer = await startProtocolConsole({ runtime, leaseTtlMs: LEASE_MS });
  nodes = await Promise.all(['kill-a', 'kill-b'].map((name) => enrollTestNode({ console: consoleServer, name, capacity: 1 })));
  for (const node of nodes) node.start();
  // Each host takes about a second: ten closed loopback ports at ten connections per second.
  await createScan({
    scope: SYSTEM_SCOPE,
    actor,
    input: { name: 'kill', targets: [`127.0.0.1-${HOSTS}`], ports: '47000-47009', profile: 'services', hostsPerJob: 3, limits: { hostConcurrency: 1, perHostRate: 10 } },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
  await consoleServer?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('a node killed mid-job', () => {
  it(`loses no host and stores none twice, over ${TRIALS} trials`, async () => {
    let resumedJobs = 0;
    for (let trial = 1; trial <= TRIALS; trial++) {
      const run = await launchScan({ scope: SYSTEM_SCOPE, ref: { name: 'kill' }, actor });
      // A job part-done: at least one of its hosts stored, not all.
      const victimJob = await until(
        'a job in progress',
        async () => {
          for (const job of await ScanJobModel.find({ runId: run._id, status: 'leased' }).lean()) {
            const stored = await ScanHostResultModel.countDocuments({ jobId: job._id });
            if (stored >= 1 && stored < job.hosts.length) return job;
          }
          return null;
        },
        30_000,
      ).catch(async (error: Error) => {
        const jobs = await ScanJobModel.find({ runId: run._id }).lean();
        const stored = await ScanHostResultModel.find({ runId: run._id }).lean();
        throw new Error(`${error.message}: jobs ${JSON.stringify(jobs.map((j) => [j.status, j.nodeId, j.hosts]))} stored ${JSON.stringify(stored.map((r) => [r.address, r.receivedAt]))}\n${nodes.map((n) => n.logs().slice(-3000)).join('\n')}`);
      });
      const victim = nodes.find((node) => node.nodeId === victimJob.nodeId)!;
      await victim.stop('SIGKILL');
      victim.start();
      const finished = await until('the run to finish', async () => {
        const current = await ScanRunModel.findById(run._id).lean();
        return current && current.status !== 'running' ? current : null;
      }, 60_000);
      const results = await ScanHostResultModel.find({ runId: run._id }).lean();
      const addresses = results.map((r) => r.address);
      expect({ trial, status: finished.status, stored: results.length, distinct: new Set(addresses).size }).toEqual({ trial, status: 'completed', stored: HOSTS, distinct: HOSTS });
      const job = await ScanJobModel.findById(victimJob._id).lean();
      expect(job!.status).toBe('done');
      if (job!.attempts > 1) resumedJobs++;
    }
    // Every killed job was handed out again (a killed node never finishes its own job).
    expect(resumedJobs).toBe(TRIALS);
  }, 900_000);
});
