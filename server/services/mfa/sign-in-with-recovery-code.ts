import type { RequestMeta } from '../../auth/request-meta';
import type { VigilConfig } from '../../config/env';
import type { Session } from '../../models/session.model';
import { UserModel } from '../../models/user.model';
import { claimOnce } from '../auth/auth-claim';
import { completeSignIn, type SignedIn } from './complete-sign-in';
import { guardedAttempt } from './guarded-attempt';
import { accountRef, auditAccount } from './mfa-account';
import { hashRecoveryCode } from './recovery-codes';
import { pendingSecondFactorAccount } from './sign-in-with-totp';

const WRONG_RECOVERY_CODE = { ok: false, reason: 'wrong or used recovery code', message: 'wrong recovery code, or one that was already used' } as const;
/** Covers the moment between claiming a code and removing its hash. */
const RECOVERY_CLAIM_MS = 10 * 60_000;

/**
 * Second step of a password sign-in with a recovery code instead of a TOTP code. The code is
 * claimed by a unique key before its hash is removed, so it works once even when sent twice at
 * the same moment. Wrong codes count toward the account lockout.
 */
export async function signInWithRecoveryCode(options: {
  pending: Session;
  recoveryCode: string;
  meta: RequestMeta;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<SignedIn & { recoveryCodesLeft: number }> {
  const now = options.now ?? new Date();
  const user = await pendingSecondFactorAccount(options.pending);
  const account = accountRef(user);
  const hash = hashRecoveryCode(options.recoveryCode);
  await guardedAttempt({
    account,
    action: 'auth.recovery_code',
    meta: options.meta,
    now,
    refusalCode: 'UNAUTHENTICATED',
    check: async () => {
      if (!user.mfa.recoveryCodeHashes.includes(hash) || !(await claimOnce(`recovery:${account.id}:${hash}`, RECOVERY_CLAIM_MS, now))) return WRONG_RECOVERY_CODE;
      await UserModel.updateOne({ _id: user._id, 'mfa.enabled': true }, { $pull: { 'mfa.recoveryCodeHashes': hash } });
      return { ok: true, value: undefined };
    },
  });
  const left = await UserModel.findById(user._id, { 'mfa.recoveryCodeHashes': 1 }).lean();
  const recoveryCodesLeft = left?.mfa.recoveryCodeHashes.length ?? 0;
  const signedIn = await completeSignIn({ pending: options.pending, account, meta: options.meta, sessionConfig: options.sessionConfig, now });
  await auditAccount(account, options.meta, { action: 'auth.recovery_code', outcome: 'success', details: { sessionId: signedIn.session._id, recoveryCodesLeft } });
  return { ...signedIn, recoveryCodesLeft };
}
