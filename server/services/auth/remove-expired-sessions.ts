import { LoginAttemptModel } from '../../models/login-attempt.model';
import { SessionModel } from '../../models/session.model';
import { LOGIN_IP_WINDOW_MS } from './login-throttle';
import { deleteAllMatching } from '../../db/write-limits';

/** The scheduled clean-up that TTL indexes would do elsewhere (not in the FerretDB subset). */
export async function removeExpiredSessions(options: { now?: Date } = {}): Promise<{ sessions: number; loginAttempts: number }> {
  const now = options.now ?? new Date();
  const sessions = await deleteAllMatching(SessionModel, { $or: [{ idleExpiresAt: { $lte: now } }, { absoluteExpiresAt: { $lte: now } }] });
  const attempts = await deleteAllMatching(LoginAttemptModel, {
    windowStartedAt: { $lte: new Date(now.getTime() - LOGIN_IP_WINDOW_MS) },
    $or: [{ blockedUntil: null }, { blockedUntil: { $lte: now } }],
  });
  return { sessions, loginAttempts: attempts };
}
