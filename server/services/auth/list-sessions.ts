import { SessionModel } from '../../models/session.model';

export interface SessionSummary {
  id: string;
  current: boolean;
  authMethod: 'password' | 'oidc';
  ip: string | null;
  userAgent: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A user's signed-in sessions (never the token or CSRF material). */
export async function listSessions(options: { userId: string; currentSessionId?: string }): Promise<SessionSummary[]> {
  const sessions = await SessionModel.find({ userId: options.userId, state: 'active' }, { tokenHash: 0, csrfToken: 0 }).sort({ lastSeenAt: -1 }).lean();
  return sessions.map((s) => ({
    id: s._id,
    current: s._id === options.currentSessionId,
    authMethod: s.authMethod,
    ip: s.ip,
    userAgent: s.userAgent,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt,
  }));
}
