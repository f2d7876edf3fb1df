import { randomBytes } from 'node:crypto';
import os from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging/logger';
import { acquireLease, releaseLease } from './lease';

export interface ScheduledJob {
  name: string;
  /** Cron expression (node-cron syntax, server local time). */
  schedule: string;
  /** Longest expected run; the lease outlives a crashed holder by no more than this. */
  maxRunMs: number;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  holder: string;
  stop(): Promise<void>;
  /** Runs a job now, if this node can take its lease (used by tests and "run now"). */
  runNow(name: string): Promise<boolean>;
}

/** The lease that makes a job run on one node at a time; "run now" paths take the same one. */
export function jobLeaseName(jobName: string): string {
  return `job:${jobName}`;
}

/**
 * Cron-driven jobs fired once per cluster: every console node schedules them, and the one that
 * takes the job's lease runs it. A run missed while every node was down is not replayed: the
 * next tick runs it (jobs such as the KB sync catch up by design).
 */
export function startScheduler(options: { jobs: ScheduledJob[]; log: Logger }): Scheduler {
  const holder = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const running = new Set<string>();
  const tasks: ScheduledTask[] = [];

  const fire = async (job: ScheduledJob): Promise<boolean> => {
    if (running.has(job.name)) return false;
    const lease = jobLeaseName(job.name);
    if (!(await acquireLease({ name: lease, holder, ttlMs: job.maxRunMs }))) {
      options.log.debug({ job: job.name }, 'another node holds the job lease');
      return false;
    }
    running.add(job.name);
    const started = Date.now();
    try {
      const result = await job.run();
      options.log.info({ job: job.name, durationMs: Date.now() - started, result }, 'scheduled job finished');
    } catch (error) {
      options.log.error({ job: job.name, err: (error as Error).message }, 'scheduled job failed');
    } finally {
      running.delete(job.name);
      await releaseLease({ name: lease, holder }).catch(() => undefined);
    }
    return true;
  };

  for (const job of options.jobs) {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid cron expression "${job.schedule}"`);
    tasks.push(cron.schedule(job.schedule, () => void fire(job), { name: job.name }));
  }
  return {
    holder,
    stop: async () => {
      for (const task of tasks) await task.stop();
    },
    runNow: async (name) => {
      const job = options.jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return fire(job);
    },
  };
}
