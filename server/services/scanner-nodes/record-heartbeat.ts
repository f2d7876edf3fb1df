import type { ScannerNode } from '../../models/scanner-node.model';
import { ScannerNodeModel } from '../../models/scanner-node.model';
import { ScanJobModel, type ScanJob } from '../../models/scan-job.model';
import { ScanRunModel } from '../../models/scan-run.model';
import type { HeartbeatRequest, HeartbeatResponse } from '../../../scanner/protocol/v1/schemas';
import { returnJobToQueue, takeJobLease } from '../scans/scan-job-lease';

/**
 * Records a node's heartbeat and renews the leases it still rightfully holds. A lease of a paused or cancelled
 * run is not renewed but answered as cancelled (paused jobs go back to the queue for a later resume).
 */
export async function recordHeartbeat(options: { node: ScannerNode; request: HeartbeatRequest; leaseTtlMs: number; now?: Date }): Promise<HeartbeatResponse> {
  const now = options.now ?? new Date();
  const { node, request } = options;
  await ScannerNodeModel.updateOne({ _id: node._id }, { $set: { lastHeartbeatAt: now, version: request.version, capabilities: request.capabilities, load: request.load } });
  if (node.status !== 'active') return { status: 'disabled', renewed: [], cancelled: request.leases.map((l) => l.jobId) };
  const renewed: HeartbeatResponse['renewed'] = [];
  const cancelled: string[] = [];
  for (const { jobId, leaseId } of request.leases) {
    const job = await ScanJobModel.findById(jobId).lean<ScanJob>();
    if (!job || job.nodeId !== node._id || job.leaseId !== leaseId || job.status !== 'leased') continue;
    const run = await ScanRunModel.findById(job.runId, { status: 1 }).lean();
    if (run?.status !== 'running') {
      cancelled.push(jobId);
      if (run?.status === 'paused') await returnJobToQueue(job);
      continue;
    }
    if (!(await takeJobLease({ jobId, leaseId, ttlMs: options.leaseTtlMs, now }))) continue;
    const leaseExpiresAt = new Date(now.getTime() + options.leaseTtlMs);
    await ScanJobModel.updateOne({ _id: jobId, leaseId }, { $set: { leaseExpiresAt } });
    renewed.push({ jobId, leaseExpiresAt: leaseExpiresAt.toISOString() });
  }
  return { status: 'active', renewed, cancelled };
}
