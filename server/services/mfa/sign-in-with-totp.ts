import type { RequestMeta } from '../../auth/request-meta';
import type { VigilConfig } from '../../config/env';
import { AppError } from '../../errors/app-error';
import type { Session } from '../../models/session.model';
import { completeSignIn, type SignedIn } from './complete-sign-in';
import { guardedAttempt } from './guarded-attempt';
import { accountRef, auditAccount, readMfaAccount, type MfaAccount } from './mfa-account';
import { useTotpCode } from './use-totp-code';

/** The account of a session waiting for its second factor; anything else cannot take this step. */
export async function pendingSecondFactorAccount(pending: Session): Promise<MfaAccount> {
  if (pending.state !== 'mfa-pending') {
    throw new AppError('BAD_INPUT', pending.state === 'mfa-enrolment' ? 'set up two-factor authentication first: this account must enrol before it signs in' : 'this session is already signed in');
  }
  const user = await readMfaAccount(pending.userId);
  if (!user.mfa.enabled) throw new AppError('UNAUTHENTICATED', 'two-factor authentication is no longer enabled for this account; sign in again');
  return user;
}

/**
 * Second step of a password sign-in: a TOTP code for a session in `mfa-pending`. Wrong and
 * replayed codes count toward the account lockout like wrong passwords; success issues a new
 * session and ends the pending one.
 */
export async function signInWithTotp(options: {
  pending: Session;
  code: string;
  meta: RequestMeta;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<SignedIn> {
  const now = options.now ?? new Date();
  const user = await pendingSecondFactorAccount(options.pending);
  const account = accountRef(user);
  const { step } = await guardedAttempt({
    account,
    action: 'auth.totp',
    meta: options.meta,
    now,
    refusalCode: 'UNAUTHENTICATED',
    check: () => useTotpCode({ user, code: options.code, now, enabled: true }),
  });
  const signedIn = await completeSignIn({ pending: options.pending, account, meta: options.meta, sessionConfig: options.sessionConfig, now });
  await auditAccount(account, options.meta, { action: 'auth.totp', outcome: 'success', details: { sessionId: signedIn.session._id, step } });
  return signedIn;
}
