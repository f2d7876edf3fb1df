import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import type { ScannerNode } from '../../models/scanner-node.model';
import { ScanJobModel, type ScanJob } from '../../models/scan-job.model';
import { LeaseModel } from '../../models/lease.model';
import { acquireLease, releaseLease } from '../../scheduler/lease';

/** How long a lease lasts without a heartbeat; a killed node's jobs return to the queue after this. */
export const DEFAULT_JOB_LEASE_MS = 60_000;

export const jobLeaseName = (jobId: string) => `scan-job:${jobId}`;

export function newLeaseId(): string {
  return `lease-${randomBytes(12).toString('hex')}`;
}

/** Takes (or renews, for the same lease id) the lease of a job; false when another node holds it. */
export async function takeJobLease(options: { jobId: string; leaseId: string; ttlMs: number; now?: Date }): Promise<boolean> {
  return acquireLease({ name: jobLeaseName(options.jobId), holder: options.leaseId, ttlMs: options.ttlMs, ...(options.now ? { now: options.now } : {}) });
}

/** Gives up a job's lease, if this lease id holds it (a job never leased has none). */
export async function releaseJobLease(options: { jobId: string; leaseId: string | null | undefined }): Promise<void> {
  if (options.leaseId) await releaseLease({ name: jobLeaseName(options.jobId), holder: options.leaseId });
}

/**
 * The job a request names, if the node still holds its lease. A node whose lease expired and was taken by
 * another learns it here (CONFLICT) and stops the job: two nodes never deliver the same job.
 */
export async function requireJobLease(options: { node: ScannerNode; jobId: string; leaseId: string; now?: Date }): Promise<ScanJob> {
  const now = options.now ?? new Date();
  const job = await ScanJobModel.findById(options.jobId).lean<ScanJob>();
  if (!job) throw new AppError('NOT_FOUND', `job ${options.jobId} not found`);
  const lease = await LeaseModel.findById(jobLeaseName(job._id)).lean();
  const held = job.nodeId === options.node._id && job.leaseId === options.leaseId && lease?.holder === options.leaseId && lease.expiresAt > now;
  if (!held) throw new AppError('CONFLICT', `the lease on job ${job._id} is no longer held by this node`);
  return job;
}

/** Puts a job back in the queue at once (node shut down, disabled, or run paused); its finished hosts are kept. */
export async function returnJobToQueue(job: Pick<ScanJob, '_id' | 'leaseId'>): Promise<void> {
  await releaseJobLease({ jobId: job._id, leaseId: job.leaseId });
  await ScanJobModel.updateOne({ _id: job._id, leaseId: job.leaseId }, { $set: { status: 'queued', leaseId: null, nodeId: null, leaseExpiresAt: null } });
}
