import type { RequestMeta } from '../../auth/request-meta';
import { AppError, isAppError } from '../../errors/app-error';
import { clearAccountFailures, failAccountAttempt, startAccountAttempt, withdrawAccountAttempt } from '../auth/account-lockout';
import { assertAddressNotBlocked, recordAddressFailure, throttledError } from '../auth/login-throttle';
import { auditAccount, type AccountRef } from './mfa-account';

/** `reason` goes to the audit log; `message` to the caller. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; reason: string; message: string };

/**
 * Checks a secret the user presents (TOTP code, recovery code, password) under the throttling of
 * password sign-in: the address must not be blocked, the account's proofs are checked one at a
 * time and each counts before it runs (so the lockout holds against parallel guesses), a refusal
 * counts against the address, and every refusal leaves an audit entry. Success clears the
 * account's failures; its audit entry is the caller's.
 */
export async function guardedAttempt<T>(options: {
  account: AccountRef;
  /** Audit action of refusals, e.g. 'auth.totp'. */
  action: string;
  meta: RequestMeta;
  now: Date;
  /** What a refused secret is: UNAUTHENTICATED while signing in, BAD_INPUT inside a session. */
  refusalCode: 'UNAUTHENTICATED' | 'BAD_INPUT';
  details?: Record<string, string | number | boolean | null>;
  check: () => Promise<AttemptOutcome<T>>;
}): Promise<T> {
  const { account, meta, now } = options;
  const refuse = async (reason: string, error: AppError): Promise<never> => {
    await auditAccount(account, meta, { action: options.action, outcome: 'failure', reason, details: options.details });
    throw error;
  };

  try {
    await assertAddressNotBlocked(meta.ip, now);
  } catch (error) {
    if (isAppError(error)) return refuse('address throttled', error);
    throw error;
  }
  const attempt = await startAccountAttempt(account.id, now);
  if (!attempt.ok) return refuse(attempt.reason, attempt.error);

  let outcome: AttemptOutcome<T>;
  try {
    outcome = await options.check();
  } catch (error) {
    await withdrawAccountAttempt(attempt);
    throw error;
  }
  if (outcome.ok) {
    await clearAccountFailures(attempt);
    return outcome.value;
  }

  await recordAddressFailure(meta.ip, now);
  const lockedUntil = await failAccountAttempt(attempt, now);
  if (lockedUntil) return refuse(`${outcome.reason}; account locked`, throttledError(lockedUntil, now, 'for this account'));
  return refuse(outcome.reason, new AppError(options.refusalCode, outcome.message));
}
