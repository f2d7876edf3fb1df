import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import { ScannerEnrollmentTokenModel } from '../../models/scanner-node.model';
import { ENROLLMENT_TOKEN_PREFIX, enrollmentTokenId } from '../../../scanner/protocol/v1/signing';
import { recordAudit, type AuditActor } from '../audit/record-audit';

const MAX_TTL_HOURS = 24 * 30;

/**
 * A one-time enrolment token, printed once: only its hash is stored. `pin` is the SHA-256 of the certificate the
 * node must see in the console's TLS chain (see `consoleCertificatePin`).
 */
export async function createEnrollmentToken(options: { name: string; ttlHours: number; pin: string; actor: AuditActor; ip?: string | null }): Promise<{ token: string; id: string; name: string; expiresAt: Date }> {
  const name = options.name.trim();
  if (!name || name.length > 128) throw new AppError('BAD_INPUT', 'a token name is 1 to 128 characters');
  if (!(options.ttlHours > 0 && options.ttlHours <= MAX_TTL_HOURS)) throw new AppError('BAD_INPUT', `a token lives between a moment and ${MAX_TTL_HOURS} hours`);
  if (!/^[0-9a-f]{64}$/.test(options.pin)) throw new AppError('INTERNAL', 'the console certificate pin is not a SHA-256');
  const secret = randomBytes(32).toString('base64url');
  const id = enrollmentTokenId(secret);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + options.ttlHours * 3_600_000);
  await ScannerEnrollmentTokenModel.create({ _id: id, name, createdBy: options.actor.email ?? options.actor.id ?? options.actor.type, createdAt: now, expiresAt, usedAt: null, nodeId: null });
  await recordAudit({ actor: options.actor, action: 'scanner.token-create', target: { type: 'scanner-token', id: id.slice(0, 16), label: name }, ip: options.ip ?? null, outcome: 'success', details: { expiresAt: expiresAt.toISOString() } });
  return { token: `${ENROLLMENT_TOKEN_PREFIX}.${secret}.${options.pin}`, id, name, expiresAt };
}
