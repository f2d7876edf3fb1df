import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../server/logging/logger';
import {
  chunkResponseSchema,
  credentialResponseSchema,
  heartbeatResponseSchema,
  okResponseSchema,
  pollResponseSchema,
  type HostResult,
  type JobCredential,
  type JobSpec,
} from '../protocol/v1/schemas';
import { ConsoleRequestError, createConsoleClient } from './console-client';
import { loadNodeIdentity } from './node-identity';
import { runJob } from './run-job';

const CAPABILITIES = ['discovery', 'tcp-connect', 'service-detection', 'ssh-inventory'];
const MAX_BACKOFF_MS = 30_000;

interface RunningJob {
  spec: JobSpec;
  controller: AbortController;
  /** Set when the console took the job away (cancelled, lease lost, node disabled): nothing more is sent. */
  stopped: boolean;
  done: Promise<void>;
}

/** Exponential back-off with jitter, for a console that is restarting or unreachable. */
function backoff(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * The node loop: heartbeats (renewing leases, learning of cancellations), long-polls for work while it has
 * capacity, runs jobs and uploads each host's result as a numbered chunk, retrying through console restarts.
 * When `signal` aborts (SIGTERM) it stops its jobs and hands their leases back so another node resumes at once.
 */
export async function runScannerNode(options: { dataDir: string; version: string; log: Logger; signal: AbortSignal; capacity?: number }): Promise<void> {
  const identity = loadNodeIdentity({ dataDir: options.dataDir });
  const client = createConsoleClient({ connection: identity, nodeId: identity.nodeId, privateKeyPem: identity.privateKeyPem });
  const capacity = options.capacity ?? 2;
  const { log } = options;
  // Stops the node on SIGTERM, or when the console no longer recognises it (revoked): then it gets nothing more.
  const halt = new AbortController();
  const signal = AbortSignal.any([options.signal, halt.signal]);
  let refused: ConsoleRequestError | null = null;
  const refuseIfUnrecognised = (error: unknown) => {
    if (error instanceof ConsoleRequestError && error.status === 401 && !refused) {
      refused = error;
      halt.abort(error);
    }
  };
  const jobs = new Map<string, RunningJob>();

  /** Retries a call while the console is unreachable; gives up on a definite answer or when stopped. */
  const persist = async <T>(what: string, call: () => Promise<T>, stopWhen: () => boolean = () => signal.aborted): Promise<T | undefined> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof ConsoleRequestError) || !error.retryable || stopWhen()) throw error;
        log.warn({ what, attempt, err: error.message }, 'console not answering; retrying');
        await sleep(backoff(attempt)).catch(() => undefined);
        if (stopWhen()) return undefined;
      }
    }
  };

  const stopJob = (jobId: string, why: string) => {
    const job = jobs.get(jobId);
    if (!job || job.stopped) return;
    log.info({ job: jobId, why }, 'job stopped');
    job.stopped = true;
    job.controller.abort(new Error(why));
  };

  const heartbeat = async () => {
    const held = [...jobs.values()].filter((j) => !j.stopped);
    const answer = await client.post({
      operation: '/heartbeat',
      payload: {
        version: options.version,
        load: { running: jobs.size, capacity, loadAverage: os.loadavg()[0] ?? 0 },
        capabilities: CAPABILITIES,
        leases: held.map((j) => ({ jobId: j.spec.jobId, leaseId: j.spec.leaseId })),
      },
      schema: heartbeatResponseSchema,
    });
    const renewed = new Set(answer.renewed.map((r) => r.jobId));
    for (const jobId of answer.cancelled) stopJob(jobId, 'cancelled by the console');
    // Only leases this heartbeat named: a job leased while it was in flight is not lost.
    for (const job of held) if (!renewed.has(job.spec.jobId)) stopJob(job.spec.jobId, 'lease lost');
    return answer.status;
  };

  const execute = async (spec: JobSpec, job: RunningJob) => {
    const lease = { leaseId: spec.leaseId };
    const stopped = () => job.stopped || signal.aborted;
    let seq = 0;
    try {
      const credential: JobCredential | null = spec.hasCredential
        ? ((await persist('credential', () => client.post({ operation: `/jobs/${spec.jobId}/credential`, payload: lease, schema: credentialResponseSchema }), stopped))?.credential ?? null)
        : null;
      const upload = async (result: HostResult) => {
        const chunk = { ...lease, seq: seq++, result };
        const answer = await persist('chunk', () => client.post({ operation: `/jobs/${spec.jobId}/chunks`, payload: chunk, schema: chunkResponseSchema }), stopped);
        if (answer?.cancelled) stopJob(spec.jobId, 'cancelled by the console');
      };
      await runJob({ job: spec, credential, signal: job.controller.signal, onHostResult: upload });
      await persist('complete', () => client.post({ operation: `/jobs/${spec.jobId}/complete`, payload: lease, schema: okResponseSchema }), stopped);
      log.info({ job: spec.jobId, hosts: spec.hosts.length }, 'job complete');
    } catch (error) {
      if (signal.aborted && !job.stopped) {
        // Shutting down: hand the lease back so another node resumes now, not when the lease expires.
        await client.post({ operation: `/jobs/${spec.jobId}/release`, payload: lease, schema: okResponseSchema }).catch(() => undefined);
      } else if (!job.stopped) {
        const message = (error as Error).message;
        log.error({ job: spec.jobId, err: message }, 'job failed');
        await client.post({ operation: `/jobs/${spec.jobId}/fail`, payload: { ...lease, error: message.slice(0, 2000), retryable: true }, schema: okResponseSchema }).catch(() => undefined);
      }
    }
  };

  const start = (spec: JobSpec) => {
    const job: RunningJob = { spec, controller: new AbortController(), stopped: false, done: Promise.resolve() };
    signal.addEventListener('abort', () => job.controller.abort(signal.reason), { once: true });
    jobs.set(spec.jobId, job);
    log.info({ job: spec.jobId, run: spec.runId, scan: spec.scanName, hosts: spec.hosts.length }, 'job leased');
    job.done = execute(spec, job).finally(() => jobs.delete(spec.jobId));
  };

  const heartbeats = (async () => {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const status = await heartbeat();
        if (status === 'disabled') log.warn('this node is disabled in the console; it takes no work');
        failures = 0;
      } catch (error) {
        refuseIfUnrecognised(error);
        failures++;
        log.warn({ err: (error as Error).message, failures }, 'heartbeat failed');
      }
      await sleep(identity.heartbeatSeconds * 1000, undefined, { signal }).catch(() => undefined);
    }
  })();

  let attempt = 0;
  while (!signal.aborted) {
    if (jobs.size >= capacity) {
      await Promise.race([...[...jobs.values()].map((j) => j.done), sleep(1000)]);
      continue;
    }
    try {
      const answer = await client.post({ operation: '/jobs/poll', payload: { capacity: capacity - jobs.size, waitSeconds: identity.pollSeconds }, schema: pollResponseSchema, signal, timeoutMs: (identity.pollSeconds + 30) * 1000 });
      attempt = 0;
      if (answer.job) start(answer.job);
    } catch (error) {
      if (signal.aborted) break;
      const definite = error instanceof ConsoleRequestError && !error.retryable;
      log.warn({ err: (error as Error).message }, definite ? 'the console refused this node' : 'console unreachable; retrying');
      refuseIfUnrecognised(error);
      await sleep(backoff(attempt++), undefined, { signal }).catch(() => undefined);
    }
  }
  await Promise.allSettled([...jobs.values()].map((j) => j.done));
  await heartbeats;
  if (refused) throw refused;
}
