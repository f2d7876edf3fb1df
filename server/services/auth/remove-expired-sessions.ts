import { AuthClaimModel } from '../../models/auth-claim.model';
import { LoginAttemptModel } from '../../models/login-attempt.model';
import { SessionModel } from '../../models/session.model';
import { LOGIN_IP_WINDOW_MS } from './login-throttle';
import { deleteAllMatching } from '../../db/write-limits';

/**
 * The scheduled clean-up that TTL indexes would do elsewhere (not in the FerretDB subset): sessions, login throttling
 * records, and claims past their expiry (auth-claim.ts; here rather than on every claim, as roll-ups claim often).
 */
export async function removeExpiredSessions(options: { now?: Date } = {}): Promise<{ sessions: number; loginAttempts: number; claims: number }> {
  const now = options.now ?? new Date();
  const sessions = await deleteAllMatching(SessionModel, { $or: [{ idleExpiresAt: { $lte: now } }, { absoluteExpiresAt: { $lte: now } }] });
  const attempts = await deleteAllMatching(LoginAttemptModel, {
    windowStartedAt: { $lte: new Date(now.getTime() - LOGIN_IP_WINDOW_MS) },
    $or: [{ blockedUntil: null }, { blockedUntil: { $lte: now } }],
  });
  const claims = await deleteAllMatching(AuthClaimModel, { expiresAt: { $lte: now } });
  return { sessions, loginAttempts: attempts, claims };
}
