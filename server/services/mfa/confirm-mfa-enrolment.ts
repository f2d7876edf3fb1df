import type { RequestMeta } from '../../auth/request-meta';
import type { VigilConfig } from '../../config/env';
import { AppError } from '../../errors/app-error';
import type { Session } from '../../models/session.model';
import { UserModel } from '../../models/user.model';
import { completeSignIn, type SignedIn } from './complete-sign-in';
import { accountRef, auditAccount, readMfaAccount } from './mfa-account';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';
import { useTotpCode } from './use-totp-code';

export interface MfaEnrolled {
  /** Shown this once; only their SHA-256 is stored. */
  recoveryCodes: string[];
  /** When the enrolment finished a sign-in (a session that had to enrol): the new session. */
  signedIn: SignedIn | null;
}

/**
 * Finishes setting up TOTP with a code from the pending secret: MFA is enabled and ten recovery
 * codes are made. `enrollingSession` is a session in `mfa-enrolment` (MFA required before the
 * user may sign in): it is replaced by a new active session. Wrong codes are refused and audited
 * but not counted toward the lockout: the secret was only just handed to this user.
 */
export async function confirmMfaEnrolment(options: {
  userId: string;
  code: string;
  meta: RequestMeta;
  enrollingSession?: Session;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<MfaEnrolled> {
  const now = options.now ?? new Date();
  const user = await readMfaAccount(options.userId);
  const account = accountRef(user);
  const audit = (outcome: 'success' | 'failure', extra: { reason?: string; details?: Record<string, string | number | boolean | null> }) =>
    auditAccount(account, options.meta, { action: 'mfa.enrol', outcome, ...extra });

  if (user.mfa.enabled) throw new AppError('CONFLICT', 'two-factor authentication is already enabled');
  if (!user.mfa.secret) throw new AppError('BAD_INPUT', 'start setting up two-factor authentication first (no pending secret)');
  const used = await useTotpCode({ user, code: options.code, now, enabled: false });
  if (!used.ok) {
    await audit('failure', { reason: used.reason });
    throw new AppError('BAD_INPUT', used.message);
  }

  const recoveryCodes = newRecoveryCodes();
  // `enrolledAt` (when the pending secret was made) pins the secret the code was checked against:
  // an enrolment restarted in another window makes this write miss instead of enabling a secret
  // nobody scanned.
  const enabled = await UserModel.updateOne(
    { _id: user._id, 'mfa.enabled': false, 'mfa.enrolledAt': user.mfa.enrolledAt },
    { $set: { 'mfa.enabled': true, 'mfa.recoveryCodeHashes': recoveryCodes.map(hashRecoveryCode), 'mfa.enrolledAt': now } },
  );
  if (enabled.matchedCount !== 1) {
    await audit('failure', { reason: 'enrolment changed during confirmation' });
    throw new AppError('CONFLICT', 'two-factor set-up changed meanwhile (started again elsewhere?); scan the newest QR code and try again');
  }
  const signedIn = options.enrollingSession
    ? await completeSignIn({ pending: options.enrollingSession, account, meta: options.meta, sessionConfig: options.sessionConfig, now })
    : null;
  await audit('success', { details: { recoveryCodes: recoveryCodes.length, sessionId: signedIn?.session._id ?? null } });
  return { recoveryCodes, signedIn };
}
