import type { RequestMeta } from '../../auth/request-meta';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { accountRef, auditAccount, readMfaAccount } from './mfa-account';
import { qrCodeDataUrl } from './qr-code';
import { manualEntryKey, newTotpSecret, totpUri } from './totp';

export interface MfaEnrolmentStart {
  /** `otpauth://totp/Vigil:<e-mail>?secret=…`: what the QR code holds. */
  otpauthUri: string;
  /** The same as an SVG image (`data:image/svg+xml;base64,…`). */
  qrCodeDataUrl: string;
  /** The secret in groups of four, for apps that cannot scan. */
  manualEntryKey: string;
}

/**
 * Starts (or restarts) setting up TOTP: a new secret is stored encrypted, pending until a code
 * from it is confirmed. This answer is the only time the secret leaves the server; starting
 * again replaces it. Refused while MFA is enabled (disable it first).
 */
export async function beginMfaEnrolment(options: { userId: string; encryption: FieldEncryption; meta: RequestMeta }): Promise<MfaEnrolmentStart> {
  const user = await readMfaAccount(options.userId);
  const account = accountRef(user);
  if (user.mfa.enabled) throw new AppError('CONFLICT', 'two-factor authentication is already enabled; disable it first to set up another authenticator');
  const secret = newTotpSecret();
  const encrypted = await options.encryption.encrypt(secret, { purpose: 'totp' });
  const stored = await UserModel.updateOne(
    { _id: user._id, 'mfa.enabled': false },
    // While pending, `enrolledAt` says when this secret was made: confirming pins it (see confirm).
    { $set: { 'mfa.secret': encrypted, 'mfa.recoveryCodeHashes': [], 'mfa.enrolledAt': new Date() } },
  );
  if (stored.matchedCount !== 1) throw new AppError('CONFLICT', 'two-factor authentication was enabled meanwhile');
  await auditAccount(account, options.meta, { action: 'mfa.enrol_start', outcome: 'success' });
  const otpauthUri = totpUri({ label: account.email, secret });
  return { otpauthUri, qrCodeDataUrl: await qrCodeDataUrl(otpauthUri), manualEntryKey: manualEntryKey(secret) };
}
