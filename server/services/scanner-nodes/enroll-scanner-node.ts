import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { ScannerEnrollmentTokenModel, ScannerNodeModel } from '../../models/scanner-node.model';
import type { EnrollRequest, EnrollResponse } from '../../../scanner/protocol/v1/schemas';
import { enrollmentTokenId, isEd25519PublicKey, parseEnrollmentToken } from '../../../scanner/protocol/v1/signing';
import { recordAudit } from '../audit/record-audit';
import { claimOnce } from '../auth/auth-claim';

export const HEARTBEAT_SECONDS = 10;
export const POLL_SECONDS = 25;

/** One message for every bad token, so a caller learns nothing about which tokens exist. */
const REFUSED = 'the enrolment token is invalid, expired or already used';

/**
 * Enrols a node with a one-time token. The token is spent by a unique claim before the node is created, so two
 * nodes presenting the same token cannot both be enrolled.
 */
export async function enrollScannerNode(options: { request: EnrollRequest; ip?: string | null }): Promise<EnrollResponse> {
  const { request } = options;
  const parsed = parseEnrollmentToken(request.token);
  const refuse = async (reason: string) => {
    await recordAudit({ actor: { type: 'anonymous' }, action: 'scanner.enroll', target: { type: 'scanner-node', label: request.name }, ip: options.ip ?? null, outcome: 'failure', reason });
    return new AppError('UNAUTHENTICATED', REFUSED);
  };
  if (!parsed) throw await refuse('malformed token');
  if (!isEd25519PublicKey(request.publicKey)) throw new AppError('BAD_INPUT', 'publicKey must be an Ed25519 public key in SPKI PEM');
  const id = enrollmentTokenId(parsed.secret);
  const token = await ScannerEnrollmentTokenModel.findById(id).lean();
  const now = new Date();
  if (!token || token.usedAt || token.expiresAt <= now) throw await refuse(token ? 'token expired or used' : 'unknown token');
  const claim = await claimOnce(`scanner-enroll:${id}`, token.expiresAt.getTime() - now.getTime() + 86_400_000, now);
  if (!claim) throw await refuse('token already used');
  const nodeId = `node-${randomUUID()}`;
  const name = request.name.trim();
  await ScannerNodeModel.create({ _id: nodeId, name, publicKey: request.publicKey, status: 'active', version: request.version, capabilities: [], load: null, enrolledAt: now, lastHeartbeatAt: null, enrolledWithToken: id });
  await ScannerEnrollmentTokenModel.updateOne({ _id: id }, { $set: { usedAt: now, nodeId } });
  await recordAudit({ actor: { type: 'system' }, action: 'scanner.enroll', target: { type: 'scanner-node', id: nodeId, label: name }, ip: options.ip ?? null, outcome: 'success', details: { token: token.name } });
  return { nodeId, name, heartbeatSeconds: HEARTBEAT_SECONDS, pollSeconds: POLL_SECONDS };
}
