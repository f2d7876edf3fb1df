import { ScanHostResultModel, ScanJobModel, type ScanJob } from '../../models/scan-job.model';
import { ScanRunModel } from '../../models/scan-run.model';
import { releaseJobLease, returnJobToQueue } from './scan-job-lease';

/** A job is retried this many times (lease lost, node failure) before it is marked failed. */
export const MAX_JOB_ATTEMPTS = 5;

/** Ends a run once none of its jobs can make progress: completed, or failed when every job failed. */
export async function finishRunIfDone(options: { runId: string; now?: Date }): Promise<void> {
  const jobs = await ScanJobModel.find({ runId: options.runId }, { status: 1 }).lean();
  if (jobs.some((job) => job.status === 'queued' || job.status === 'leased')) return;
  const run = await ScanRunModel.findById(options.runId, { status: 1 }).lean();
  if (run?.status !== 'running') return;
  const status = jobs.length > 0 && jobs.every((job) => job.status === 'failed') ? 'failed' : 'completed';
  await ScanRunModel.updateOne({ _id: options.runId, status: 'running' }, { $set: { status, finishedAt: options.now ?? new Date() } });
}

/**
 * Marks a job done when every one of its hosts has a stored result; otherwise the job goes back to the queue
 * (or fails after MAX_JOB_ATTEMPTS), so a host is never silently dropped.
 */
export async function finishJobIfComplete(options: { job: Pick<ScanJob, '_id' | 'runId' | 'hosts' | 'leaseId' | 'attempts'>; now?: Date }): Promise<'done' | 'requeued' | 'failed'> {
  const { job } = options;
  const now = options.now ?? new Date();
  const stored = await ScanHostResultModel.countDocuments({ jobId: job._id });
  let outcome: 'done' | 'requeued' | 'failed';
  const release = () => releaseJobLease({ jobId: job._id, leaseId: job.leaseId });
  if (stored >= job.hosts.length) {
    await ScanJobModel.updateOne({ _id: job._id }, { $set: { status: 'done', finishedAt: now, leaseExpiresAt: null } });
    await release();
    outcome = 'done';
  } else if (job.attempts >= MAX_JOB_ATTEMPTS) {
    await ScanJobModel.updateOne({ _id: job._id }, { $set: { status: 'failed', finishedAt: now, lastError: `${job.hosts.length - stored} hosts without a result after ${job.attempts} attempts` } });
    await release();
    outcome = 'failed';
  } else {
    await returnJobToQueue(job);
    outcome = 'requeued';
  }
  await finishRunIfDone({ runId: job.runId, now });
  return outcome;
}
