import { sha256Hex } from '../../auth/secret-token';
import type { VigilConfig } from '../../config/env';
import { AppError } from '../../errors/app-error';
import { SessionModel, type Session } from '../../models/session.model';
import { UserModel, WITHOUT_USER_SECRETS, type User } from '../../models/user.model';

/** Refreshing the idle deadline on every request would write on every request; once a minute is enough. */
const TOUCH_INTERVAL_MS = 60_000;

export type SessionUser = Omit<User, 'passwordHash'> & { _id: string };

/**
 * The session a cookie token stands for, with its user. Throws UNAUTHENTICATED with a reason
 * (for the audit log) when the token is unknown — tampered, ended or never issued —, expired,
 * or its user is disabled.
 */
export async function resolveSession(options: {
  token: string;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<{ session: Session; user: SessionUser }> {
  const now = options.now ?? new Date();
  const session = await SessionModel.findOne({ tokenHash: sha256Hex(options.token) }).lean();
  if (!session) throw new AppError('UNAUTHENTICATED', 'session not recognised (ended, expired or tampered)');
  if (session.idleExpiresAt <= now || session.absoluteExpiresAt <= now) {
    await SessionModel.deleteOne({ _id: session._id });
    throw new AppError('UNAUTHENTICATED', 'session expired; sign in again');
  }
  const user = await UserModel.findById(session.userId, WITHOUT_USER_SECRETS).lean();
  if (!user || user.disabled) {
    await SessionModel.deleteOne({ _id: session._id });
    throw new AppError('UNAUTHENTICATED', 'account disabled or removed');
  }
  if (session.state === 'active' && now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    const idleExpiresAt = new Date(Math.min(now.getTime() + options.sessionConfig.idleMinutes * 60_000, session.absoluteExpiresAt.getTime()));
    await SessionModel.updateOne({ _id: session._id }, { $set: { lastSeenAt: now, idleExpiresAt } });
    Object.assign(session, { lastSeenAt: now, idleExpiresAt });
  }
  return { session, user: { ...user, _id: String(user._id) } };
}
