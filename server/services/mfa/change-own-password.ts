import { checkPasswordPolicy, hashPassword } from '../../auth/password';
import type { RequestMeta } from '../../auth/request-meta';
import { AppError, isAppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { endSessionsOfUser } from '../auth/end-sessions';
import { guardedAttempt } from './guarded-attempt';
import { accountRef, auditAccount, readMfaAccount } from './mfa-account';
import { checkPassword } from './reauthenticate';

const WRONG_CURRENT_PASSWORD = { ok: false, reason: 'wrong current password', message: 'the current password is wrong' } as const;

/**
 * Changes the caller's own password (a sensitive change): the current one must be given (a
 * wrong one counts toward the lockout), the new one must pass the policy, and every other
 * session of the user ends — whoever knew the old password is signed out.
 */
export async function changeOwnPassword(options: {
  userId: string;
  sessionId: string;
  currentPassword: string;
  newPassword: string;
  meta: RequestMeta;
  now?: Date;
}): Promise<{ endedSessions: number }> {
  const now = options.now ?? new Date();
  const user = await readMfaAccount(options.userId);
  const account = accountRef(user);
  const audit = (outcome: 'success' | 'failure', extra: { reason?: string; details?: Record<string, number> }) =>
    auditAccount(account, options.meta, { action: 'account.password_change', outcome, ...extra });

  if (user.authSource !== 'local' || !user.passwordHash) throw new AppError('BAD_INPUT', 'single sign-on accounts have no password here; change it at your provider');
  try {
    checkPasswordPolicy(options.newPassword, { email: user.email });
    if (options.newPassword === options.currentPassword) throw new AppError('BAD_INPUT', 'the new password must differ from the current one');
  } catch (error) {
    if (isAppError(error)) await audit('failure', { reason: `new password refused: ${error.message}` });
    throw error;
  }
  await guardedAttempt({ account, action: 'account.password_change', meta: options.meta, now, refusalCode: 'BAD_INPUT', check: async () => ((await checkPassword(user, options.currentPassword)).ok ? { ok: true, value: undefined } : WRONG_CURRENT_PASSWORD) });

  // Pinned to the hash just checked: of two changes at once, the second fails instead of silently winning.
  const changed = await UserModel.updateOne({ _id: user._id, passwordHash: user.passwordHash }, { $set: { passwordHash: await hashPassword(options.newPassword), passwordChangedAt: now } });
  if (changed.matchedCount !== 1) {
    await audit('failure', { reason: 'password changed concurrently' });
    throw new AppError('CONFLICT', 'the password was changed meanwhile; sign in again with the new one');
  }
  const endedSessions = await endSessionsOfUser({ userId: account.id, exceptSessionId: options.sessionId });
  await audit('success', { details: { endedSessions } });
  return { endedSessions };
}
