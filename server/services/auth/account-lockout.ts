import { AppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { claimOnce, type Claim } from './auth-claim';
import { ACCOUNT_LOCK_MS, ACCOUNT_MAX_FAILURES, throttledError } from './login-throttle';

/**
 * Consecutive failed proofs of an account — passwords, TOTP codes, recovery codes — counted in
 * one place. An account's proofs are checked one at a time (a claim held while the secret is
 * checked) and each is counted before the check, so a burst of parallel guesses cannot all read
 * "no failures yet": at most ACCOUNT_MAX_FAILURES secrets are checked before the account locks.
 */
export type AccountAttempt =
  | { ok: true; userId: string; failures: number; claim: Claim }
  | { ok: false; reason: 'account locked' | 'parallel attempt'; error: AppError };

/** Long enough for an argon2 check; a holder that died frees the account after it. */
const ATTEMPT_HOLD_MS = 15_000;

async function lockAccount(userId: string, now: Date): Promise<Date> {
  const lockedUntil = new Date(now.getTime() + ACCOUNT_LOCK_MS);
  await UserModel.updateOne({ _id: userId }, { $set: { failedLogins: 0, lockedUntil } });
  return lockedUntil;
}

function locked(lockedUntil: Date, now: Date): AccountAttempt {
  return { ok: false, reason: 'account locked', error: throttledError(lockedUntil, now, 'for this account') };
}

/** Starts checking a proof of the account; refused while it is locked or another proof is being checked. */
export async function startAccountAttempt(userId: string, now: Date): Promise<AccountAttempt> {
  const claim = await claimOnce(`attempt:${userId}`, ATTEMPT_HOLD_MS, now);
  if (!claim) {
    return { ok: false, reason: 'parallel attempt', error: new AppError('RATE_LIMITED', 'another sign-in attempt for this account is being checked; try again in a moment') };
  }
  const counted = await UserModel.findOneAndUpdate(
    { _id: userId, $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }] },
    { $inc: { failedLogins: 1 } },
    { new: true },
  ).lean();
  if (!counted || counted.failedLogins > ACCOUNT_MAX_FAILURES) {
    await claim.release();
    const user = counted ?? (await UserModel.findById(userId, { lockedUntil: 1 }).lean());
    if (!user) throw new AppError('UNAUTHENTICATED', 'account removed');
    return locked(counted || !user.lockedUntil ? await lockAccount(userId, now) : user.lockedUntil, now);
  }
  return { ok: true, userId, failures: counted.failedLogins, claim };
}

/** The secret was wrong: the attempt stays counted; the one that reaches the limit locks the account (returns the lock's end). */
export async function failAccountAttempt(attempt: { userId: string; failures: number; claim: Claim }, now: Date): Promise<Date | null> {
  const lockedUntil = attempt.failures >= ACCOUNT_MAX_FAILURES ? await lockAccount(attempt.userId, now) : null;
  await attempt.claim.release();
  return lockedUntil;
}

/** The attempt was no guess at the secret (a disabled account, an error, a first factor only): it does not count. */
export async function withdrawAccountAttempt(attempt: { userId: string; claim: Claim }): Promise<void> {
  await UserModel.updateOne({ _id: attempt.userId, failedLogins: { $gt: 0 } }, { $inc: { failedLogins: -1 } });
  await attempt.claim.release();
}

/** The account is proven: counting starts again. `set` rides along (e.g. lastLoginAt). */
export async function clearAccountFailures(attempt: { userId: string; claim: Claim }, set: Record<string, unknown> = {}): Promise<void> {
  await UserModel.updateOne({ _id: attempt.userId }, { $set: { failedLogins: 0, lockedUntil: null, ...set } });
  await attempt.claim.release();
}
