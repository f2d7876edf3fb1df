import { AppError } from '../../errors/app-error';
import { ScannerNodeModel, type ScannerNode } from '../../models/scanner-node.model';
import { MAX_CLOCK_SKEW_MS } from '../../../scanner/protocol/v1/schemas';
import { verifyRequestSignature } from '../../../scanner/protocol/v1/signing';

const REFUSED = 'scanner node not recognised: unknown, revoked, or bad signature';

/**
 * The node behind a signed request. Unknown, revoked, badly signed or stale requests all get the same answer;
 * a disabled node is recognised (it may learn it is disabled) and each operation decides what it still gets.
 */
export async function authenticateNode(options: { nodeId: string | undefined; timestamp: string | undefined; signature: string | undefined; method: string; path: string; body: string; now?: Date }): Promise<ScannerNode> {
  const { nodeId, timestamp, signature } = options;
  if (!nodeId || !timestamp || !signature || !/^\d{10,16}$/.test(timestamp)) throw new AppError('UNAUTHENTICATED', REFUSED);
  const now = (options.now ?? new Date()).getTime();
  if (Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) throw new AppError('UNAUTHENTICATED', 'request time is too far from the console clock; check the node clock (NTP)');
  const node = await ScannerNodeModel.findById(nodeId).lean();
  if (!node || node.status === 'revoked') throw new AppError('UNAUTHENTICATED', REFUSED);
  const valid = verifyRequestSignature({ publicKeyPem: node.publicKey, signature, method: options.method, path: options.path, timestamp, body: options.body });
  if (!valid) throw new AppError('UNAUTHENTICATED', REFUSED);
  return node;
}

export function requireActiveNode(node: ScannerNode): void {
  if (node.status !== 'active') throw new AppError('FORBIDDEN', 'this scanner node is disabled');
}
