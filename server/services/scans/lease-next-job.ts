import type { ScannerNode } from '../../models/scanner-node.model';
import { ScanModel, type Scan } from '../../models/scan.model';
import { ScanHostResultModel, ScanJobModel, type ScanJob } from '../../models/scan-job.model';
import { ScanRunModel } from '../../models/scan-run.model';
import type { JobSpec } from '../../../scanner/protocol/v1/schemas';
import { knownHostKeys } from '../assets/asset-identity';
import { finishJobIfComplete } from './finish-scan-job';
import { newLeaseId, releaseJobLease, takeJobLease } from './scan-job-lease';

/** Candidates looked at per poll; the oldest first, so runs are served in launch order. */
const CANDIDATES = 20;

/**
 * Leases the oldest job a node may run: queued, or leased with an expired lease (its node was lost). The job is
 * handed out without the hosts already stored for its run, so a resumed job rescans nothing and loses nothing.
 */
export async function leaseNextJob(options: { node: ScannerNode; leaseTtlMs: number; now?: Date }): Promise<JobSpec | null> {
  const now = options.now ?? new Date();
  const candidates = await ScanJobModel.find({ $or: [{ status: 'queued' }, { status: 'leased', leaseExpiresAt: { $lte: now } }] })
    .sort({ createdAt: 1 })
    .limit(CANDIDATES)
    .lean<ScanJob[]>();
  for (const job of candidates) {
    const run = await ScanRunModel.findById(job.runId, { status: 1 }).lean();
    if (run?.status !== 'running') continue;
    const leaseId = newLeaseId();
    if (!(await takeJobLease({ jobId: job._id, leaseId, ttlMs: options.leaseTtlMs, now }))) continue;
    const leaseExpiresAt = new Date(now.getTime() + options.leaseTtlMs);
    // The candidate was read before the lease was taken: another node may have finished it and released its
    // lease since. A done or failed job is never taken back (CI once saw a completed run's job leased again).
    const taken = await ScanJobModel.updateOne(
      { _id: job._id, status: { $in: ['queued', 'leased'] } },
      { $set: { status: 'leased', leaseId, nodeId: options.node._id, leaseExpiresAt }, $inc: { attempts: 1 } },
    );
    if (taken.modifiedCount === 0) {
      await releaseJobLease({ jobId: job._id, leaseId });
      continue;
    }
    const done = new Set((await ScanHostResultModel.find({ jobId: job._id }, { address: 1 }).lean()).map((r) => r.address));
    const remaining = job.hosts.filter((host) => !done.has(host));
    if (remaining.length === 0) {
      await finishJobIfComplete({ job: { ...job, leaseId }, now });
      continue;
    }
    const scan = await ScanModel.findById(job.scanId).lean<Scan>();
    if (!scan) continue;
    const hostKeys = await knownHostKeys({ businessUnitId: job.businessUnitId, addresses: remaining });
    return {
      jobId: job._id,
      leaseId,
      leaseExpiresAt: leaseExpiresAt.toISOString(),
      runId: job.runId,
      scanName: scan.name,
      profile: scan.profile,
      hosts: remaining.map((address) => {
        const expectedHostKey = hostKeys.get(address);
        return expectedHostKey ? { address, expectedHostKey } : { address };
      }),
      ports: scan.ports,
      exclusions: scan.exclusions,
      hasCredential: scan.profile === 'inventory' && !!scan.credentialId,
      limits: scan.limits,
    };
  }
  return null;
}
