import type { Role } from '../../auth/permissions';
import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { UserModel, type User } from '../../models/user.model';
import { recordAudit, type AuditEventInput } from '../audit/record-audit';

/** A user as the MFA services read it: with the password hash and the TOTP secret decrypted. */
export type MfaAccount = User & { _id: unknown };

/** Who a second-factor step is about, for audit entries and the answer of a sign-in. */
export interface AccountRef {
  id: string;
  email: string;
  name: string;
  role: Role;
  businessUnitId: string;
}

export async function readMfaAccount(userId: string): Promise<MfaAccount> {
  // The connection decrypts `mfa.secret` on this read; it stays inside the MFA services.
  const user = await UserModel.findById(userId).lean();
  if (!user || user.disabled) throw new AppError('UNAUTHENTICATED', 'account disabled or removed');
  return user;
}

export function accountRef(user: MfaAccount): AccountRef {
  return { id: String(user._id), email: user.email, name: user.name, role: user.role, businessUnitId: user.businessUnitId };
}

/** An audit entry about the user's own account, by the user, in their unit. */
export function auditAccount(
  account: AccountRef,
  meta: RequestMeta,
  event: Pick<AuditEventInput, 'action' | 'outcome' | 'reason' | 'details'>,
): Promise<{ seq: number; hash: string }> {
  return recordAudit({
    actor: { type: 'user', id: account.id, email: account.email },
    target: { type: 'user', id: account.id, label: account.email },
    ip: meta.ip,
    businessUnitId: account.businessUnitId,
    ...event,
  });
}

/** The Base32 secret; a value still encrypted means the read bypassed the decrypting connection. */
export function totpSecretOf(user: MfaAccount): string {
  const secret = user.mfa?.secret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new AppError(secret ? 'INTERNAL' : 'BAD_INPUT', secret ? 'the TOTP secret could not be decrypted' : 'two-factor authentication is not set up for this account');
  }
  return secret;
}
