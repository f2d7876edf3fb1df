import { verifyPassword } from '../../auth/password';
import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { SessionModel } from '../../models/session.model';
import { guardedAttempt, type AttemptOutcome } from './guarded-attempt';
import { accountRef, auditAccount, readMfaAccount, type MfaAccount } from './mfa-account';
import { useTotpCode } from './use-totp-code';

/** A secret the signed-in user proves again: their password, or a TOTP code. */
export type ReauthProof = { password: string } | { code: string };

export const WRONG_PASSWORD = { ok: false, reason: 'wrong password', message: 'wrong password' } as const;

/** Checks a password of a local account (argon2id; SSO accounts have none). */
export async function checkPassword(user: MfaAccount, password: string): Promise<AttemptOutcome<undefined>> {
  return (await verifyPassword(user.passwordHash, password)) ? { ok: true, value: undefined } : WRONG_PASSWORD;
}

/**
 * The user proves again who they are, inside a signed-in session; sensitive changes (password,
 * MFA, API tokens) need this to be recent. Wrong secrets count toward the account lockout like
 * sign-in failures (this is a password or TOTP guess all the same).
 */
export async function reauthenticate(options: { userId: string; sessionId: string; proof: ReauthProof; meta: RequestMeta; now?: Date }): Promise<{ reauthenticatedAt: Date }> {
  const now = options.now ?? new Date();
  const { proof } = options;
  const user = await readMfaAccount(options.userId);
  const account = accountRef(user);
  const method = 'password' in proof ? 'password' : 'totp';
  if ('password' in proof && (user.authSource !== 'local' || !user.passwordHash)) {
    throw new AppError('BAD_INPUT', user.mfa.enabled ? 'single sign-on accounts have no password here: confirm with a TOTP code' : 'single sign-on accounts have no password here: sign in again through your provider');
  }
  if ('code' in proof && !user.mfa.enabled) throw new AppError('BAD_INPUT', 'two-factor authentication is not enabled: confirm with your password');

  await guardedAttempt({
    account,
    action: 'auth.reauthenticate',
    meta: options.meta,
    now,
    refusalCode: 'BAD_INPUT',
    details: { method },
    check: () => ('password' in proof ? checkPassword(user, proof.password) : useTotpCode({ user, code: proof.code, now, enabled: true })),
  });
  const updated = await SessionModel.updateOne({ _id: options.sessionId, userId: account.id, state: 'active' }, { $set: { reauthenticatedAt: now } });
  if (updated.matchedCount !== 1) throw new AppError('UNAUTHENTICATED', 'session ended; sign in again');
  await auditAccount(account, options.meta, { action: 'auth.reauthenticate', outcome: 'success', details: { method, sessionId: options.sessionId } });
  return { reauthenticatedAt: now };
}
