import type { ScannerNode } from '../../models/scanner-node.model';
import { ScanJobModel } from '../../models/scan-job.model';
import { finishJobIfComplete, finishRunIfDone, MAX_JOB_ATTEMPTS } from './finish-scan-job';
import { requireJobLease, returnJobToQueue } from './scan-job-lease';

/** The node finished its job: done when every host has a result, otherwise requeued for the missing hosts. */
export async function completeScanJob(options: { node: ScannerNode; jobId: string; leaseId: string; now?: Date }): Promise<void> {
  const job = await requireJobLease(options);
  await finishJobIfComplete({ job, ...(options.now ? { now: options.now } : {}) });
}

/** The node could not run the job. A retryable failure goes back to the queue (until MAX_JOB_ATTEMPTS). */
export async function failScanJob(options: { node: ScannerNode; jobId: string; leaseId: string; error: string; retryable: boolean; now?: Date }): Promise<void> {
  const job = await requireJobLease(options);
  await ScanJobModel.updateOne({ _id: job._id }, { $set: { lastError: options.error.slice(0, 2048) } });
  if (options.retryable && job.attempts < MAX_JOB_ATTEMPTS) {
    await returnJobToQueue(job);
    return;
  }
  await ScanJobModel.updateOne({ _id: job._id }, { $set: { status: 'failed', finishedAt: options.now ?? new Date() } });
  await finishRunIfDone({ runId: job.runId, ...(options.now ? { now: options.now } : {}) });
}

/** The node is shutting down: the job returns to the queue now instead of when its lease expires. */
export async function releaseScanJob(options: { node: ScannerNode; jobId: string; leaseId: string }): Promise<void> {
  const job = await requireJobLease(options);
  await returnJobToQueue(job);
}
