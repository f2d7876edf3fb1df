import { LoginAttemptModel } from '../../models/login-attempt.model';
import { SessionModel } from '../../models/session.model';
import { LOGIN_IP_WINDOW_MS } from './login-throttle';

/** The scheduled clean-up that TTL indexes would do elsewhere (not in the FerretDB subset). */
export async function removeExpiredSessions(options: { now?: Date } = {}): Promise<{ sessions: number; loginAttempts: number }> {
  const now = options.now ?? new Date();
  const sessions = await SessionModel.deleteMany({ $or: [{ idleExpiresAt: { $lte: now } }, { absoluteExpiresAt: { $lte: now } }] });
  const attempts = await LoginAttemptModel.deleteMany({
    windowStartedAt: { $lte: new Date(now.getTime() - LOGIN_IP_WINDOW_MS) },
    $or: [{ blockedUntil: null }, { blockedUntil: { $lte: now } }],
  });
  return { sessions: sessions.deletedCount, loginAttempts: attempts.deletedCount };
}
