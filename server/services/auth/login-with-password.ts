import type { Role } from '../../auth/permissions';
import { verifyPassword } from '../../auth/password';
import type { RequestMeta } from '../../auth/request-meta';
import type { VigilConfig } from '../../config/env';
import { AppError, isAppError } from '../../errors/app-error';
import type { SessionState } from '../../models/session.model';
import { UserModel } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { createSession, type NewSession } from './create-session';
import { clearAccountFailures, failAccountAttempt, startAccountAttempt, withdrawAccountAttempt } from './account-lockout';
import { assertAddressNotBlocked, recordAddressFailure, throttledError } from './login-throttle';
import { mfaRequiredFor, readAuthSettings } from './read-auth-settings';

export interface LoginResult extends NewSession {
  /** `active`: signed in; otherwise the TOTP step or MFA enrolment comes next. */
  state: SessionState;
  user: { id: string; email: string; name: string; role: Role };
}

/** The one message for every wrong-credential case, so answers do not reveal which accounts exist. */
const WRONG_CREDENTIALS = 'wrong e-mail or password';

/**
 * Signs in with e-mail and password. Failures count against the address and the account
 * (temporary lockout), each leaves an audit entry with the real reason, and the caller only
 * ever learns "wrong e-mail or password" or that it has to wait.
 */
export async function loginWithPassword(options: {
  email: string;
  password: string;
  meta: RequestMeta;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<LoginResult> {
  const now = options.now ?? new Date();
  const email = options.email.trim().toLowerCase();
  const fail = async (reason: string, error: AppError, userId?: string): Promise<never> => {
    await recordAudit({
      actor: { type: 'anonymous', email },
      action: 'auth.login',
      target: { type: 'user', id: userId, label: email },
      ip: options.meta.ip,
      outcome: 'failure',
      reason,
    });
    throw error;
  };

  try {
    await assertAddressNotBlocked(options.meta.ip, now);
  } catch (error) {
    if (isAppError(error)) return fail('address throttled', error);
    throw error;
  }
  const user = await UserModel.findOne({ email }).lean();
  const userId = user ? String(user._id) : undefined;
  // Counted before the password is checked, so parallel guesses cannot outrun the lockout.
  const attempt = userId ? await startAccountAttempt(userId, now) : null;
  if (attempt && !attempt.ok) return fail(attempt.reason, attempt.error, userId);

  const passwordOk = await verifyPassword(user?.authSource === 'local' ? user.passwordHash : null, options.password);
  if (!user || !passwordOk || user.disabled) {
    await recordAddressFailure(options.meta.ip, now);
    const reason = !user ? 'unknown account' : user.authSource !== 'local' ? 'password sign-in for a single sign-on account' : !passwordOk ? 'wrong password' : 'account disabled';
    if (attempt?.ok && !passwordOk) {
      const lockedUntil = await failAccountAttempt(attempt, now);
      if (lockedUntil) return fail(`${reason}; account locked`, throttledError(lockedUntil, now, 'for this account'), userId);
    } else if (attempt?.ok) {
      await withdrawAccountAttempt(attempt);
    }
    return fail(reason, new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS), userId);
  }

  const state: SessionState = user.mfa.enabled ? 'mfa-pending' : mfaRequiredFor(await readAuthSettings(), user.role) ? 'mfa-enrolment' : 'active';
  // With a second factor due, the password alone does not clear the failures: otherwise signing in
  // again with it would reset the count of wrong TOTP codes, and the lockout would never come.
  if (attempt?.ok) {
    if (state === 'mfa-pending') await withdrawAccountAttempt(attempt);
    else await clearAccountFailures(attempt, state === 'active' ? { lastLoginAt: now } : {});
  }
  const created = await createSession({ userId: String(user._id), state, authMethod: 'password', meta: options.meta, sessionConfig: options.sessionConfig, now });
  await recordAudit({
    actor: { type: 'user', id: String(user._id), email: user.email },
    action: 'auth.login',
    target: { type: 'user', id: String(user._id), label: user.email },
    ip: options.meta.ip,
    outcome: 'success',
    details: { method: 'password', next: state === 'active' ? null : state },
    businessUnitId: user.businessUnitId,
  });
  return { ...created, state, user: { id: String(user._id), email: user.email, name: user.name, role: user.role } };
}
