import { AppError } from '../../errors/app-error';
import { ScannerNodeModel, type ScannerNodeStatus } from '../../models/scanner-node.model';
import { ScanJobModel } from '../../models/scan-job.model';
import { returnJobToQueue } from '../scans/scan-job-lease';
import { recordAudit, type AuditActor } from '../audit/record-audit';

/**
 * Enables, disables or revokes a node. Revocation is final. Jobs the node holds go back to the queue at once
 * (their finished hosts are kept), so another node resumes them without waiting for the lease to expire.
 */
export async function setScannerNodeStatus(options: { nodeId: string; status: ScannerNodeStatus; actor: AuditActor; ip?: string | null }): Promise<void> {
  const node = await ScannerNodeModel.findById(options.nodeId).lean();
  if (!node) throw new AppError('NOT_FOUND', `scanner node ${options.nodeId} not found`);
  if (node.status === 'revoked' && options.status !== 'revoked') throw new AppError('CONFLICT', 'a revoked node cannot come back; enrol it again with a new token');
  await ScannerNodeModel.updateOne({ _id: node._id }, { $set: { status: options.status } });
  if (options.status !== 'active') {
    for (const job of await ScanJobModel.find({ nodeId: node._id, status: 'leased' }, { leaseId: 1 }).lean()) await returnJobToQueue(job);
  }
  const verb = options.status === 'active' ? 'enable' : options.status === 'disabled' ? 'disable' : 'revoke';
  await recordAudit({ actor: options.actor, action: `scanner.${verb}`, target: { type: 'scanner-node', id: node._id, label: node.name }, ip: options.ip ?? null, outcome: 'success' });
}
