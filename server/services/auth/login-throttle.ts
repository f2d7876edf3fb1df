import { AppError } from '../../errors/app-error';
import { LoginAttemptModel } from '../../models/login-attempt.model';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Per address: this many failed sign-ins within the window block the address until it ends. */
export const LOGIN_IP_MAX_FAILURES = 20;
export const LOGIN_IP_WINDOW_MS = 15 * 60_000;
/** Per account: this many consecutive failures lock the account for the lock time. */
export const ACCOUNT_MAX_FAILURES = 5;
export const ACCOUNT_LOCK_MS = 15 * 60_000;

function minutesUntil(when: Date, now: Date): number {
  return Math.max(1, Math.ceil((when.getTime() - now.getTime()) / 60_000));
}

export function throttledError(until: Date, now: Date, what: string): AppError {
  return new AppError('RATE_LIMITED', `too many failed sign-ins ${what}; try again in ${minutesUntil(until, now)} minute(s)`);
}

export async function assertAddressNotBlocked(ip: string | null, now: Date): Promise<void> {
  if (!ip) return;
  const attempt = await LoginAttemptModel.findById(ip, { blockedUntil: 1 }).lean();
  if (attempt?.blockedUntil && attempt.blockedUntil > now) throw throttledError(attempt.blockedUntil, now, 'from this address');
}

/** Counts a failure against the address; blocks it once the window's allowance is used up. */
export async function recordAddressFailure(ip: string | null, now: Date): Promise<void> {
  if (!ip) return;
  await LoginAttemptModel.updateOne(
    { _id: ip, windowStartedAt: { $lte: new Date(now.getTime() - LOGIN_IP_WINDOW_MS) } },
    { $set: { failures: 0, windowStartedAt: now, blockedUntil: null } },
  );
  let attempt;
  try {
    attempt = await LoginAttemptModel.findOneAndUpdate({ _id: ip }, { $inc: { failures: 1 }, $setOnInsert: { windowStartedAt: now, blockedUntil: null } }, { upsert: true, new: true }).lean();
  } catch (error) {
    // Two first failures of one address at once: the loser's upsert collides; count it again.
    if (!isDuplicateKeyError(error)) throw error;
    attempt = await LoginAttemptModel.findOneAndUpdate({ _id: ip }, { $inc: { failures: 1 } }, { new: true }).lean();
  }
  if (attempt && attempt.failures >= LOGIN_IP_MAX_FAILURES && !attempt.blockedUntil) {
    await LoginAttemptModel.updateOne({ _id: ip }, { $set: { blockedUntil: new Date(attempt.windowStartedAt.getTime() + LOGIN_IP_WINDOW_MS) } });
  }
}
