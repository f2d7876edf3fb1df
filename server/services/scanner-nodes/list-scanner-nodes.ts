import { ScannerNodeModel, type ScannerNodeStatus } from '../../models/scanner-node.model';
import { ScanJobModel } from '../../models/scan-job.model';

export interface ScannerNodeSummary {
  id: string;
  name: string;
  status: ScannerNodeStatus;
  version: string;
  capabilities: string[];
  load: { running: number; capacity: number; loadAverage: number } | null;
  enrolledAt: string;
  lastHeartbeatAt: string | null;
  /** No heartbeat for three intervals. */
  online: boolean;
  leasedJobs: number;
}

const OFFLINE_AFTER_MS = 30_000;

/** Scanner nodes are shared by the installation (they scan for any unit), so this list is not unit-scoped. */
export async function listScannerNodes(options: { now?: Date } = {}): Promise<ScannerNodeSummary[]> {
  const now = (options.now ?? new Date()).getTime();
  const nodes = await ScannerNodeModel.find({}, { publicKey: 0 }).sort({ enrolledAt: 1 }).lean();
  const leased = await ScanJobModel.find({ status: 'leased', leaseExpiresAt: { $gt: new Date(now) } }, { nodeId: 1 }).lean();
  return nodes.map((node) => ({
    id: node._id,
    name: node.name,
    status: node.status,
    version: node.version,
    capabilities: node.capabilities,
    load: node.load,
    enrolledAt: node.enrolledAt.toISOString(),
    lastHeartbeatAt: node.lastHeartbeatAt?.toISOString() ?? null,
    online: node.status === 'active' && !!node.lastHeartbeatAt && now - node.lastHeartbeatAt.getTime() < OFFLINE_AFTER_MS,
    leasedJobs: leased.filter((job) => job.nodeId === node._id).length,
  }));
}
