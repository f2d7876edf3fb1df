import { AppError } from '../../errors/app-error';
import type { FieldEncryption } from '../../crypto/encryption';
import type { ScannerNode } from '../../models/scanner-node.model';
import { ScanHostResultModel } from '../../models/scan-job.model';
import { ScanRunModel } from '../../models/scan-run.model';
import type { HostResult } from '../../../scanner/protocol/v1/schemas';
import { recordHostResult } from '../assets/record-host-result';
import { requireJobLease } from './scan-job-lease';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export const hostResultId = (runId: string, address: string) => `${runId}|${address}`;

/**
 * Stores one result chunk (one host's complete result). A host is stored once per run: a repeated chunk, or the
 * same host sent again after a lease hand-over, is acknowledged and ignored. The asset is updated before the
 * host's result is marked stored, so a failure midway is retried by the node and nothing is half-stored.
 */
export async function recordJobChunk(options: { node: ScannerNode; jobId: string; leaseId: string; seq: number; result: HostResult; encryption: FieldEncryption; now?: Date }): Promise<{ accepted: boolean; cancelled: boolean }> {
  const now = options.now ?? new Date();
  const job = await requireJobLease({ node: options.node, jobId: options.jobId, leaseId: options.leaseId, now });
  const run = await ScanRunModel.findById(job.runId, { status: 1 }).lean();
  if (run?.status === 'cancelled') return { accepted: false, cancelled: true };
  const { result } = options;
  if (!job.hosts.includes(result.address)) throw new AppError('BAD_INPUT', `host ${result.address} is not part of job ${job._id}`);
  const id = hostResultId(job.runId, result.address);
  if (await ScanHostResultModel.exists({ _id: id })) return { accepted: false, cancelled: run?.status === 'paused' };
  const recorded = await recordHostResult({ encryption: options.encryption, businessUnitId: job.businessUnitId, runId: job.runId, result });
  try {
    await ScanHostResultModel.create({
      _id: id,
      runId: job.runId,
      jobId: job._id,
      nodeId: options.node._id,
      businessUnitId: job.businessUnitId,
      address: result.address,
      seq: options.seq,
      reachable: result.reachable,
      openPorts: result.openPorts.length,
      assetId: recorded?.assetId ?? null,
      problems: result.problems.slice(0, 20),
      receivedAt: now,
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) return { accepted: false, cancelled: false };
    throw error;
  }
  return { accepted: true, cancelled: run?.status === 'paused' };
}
