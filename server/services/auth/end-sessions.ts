import { hasPermission, type Principal } from '../../auth/principal';
import { AppError } from '../../errors/app-error';
import { SessionModel } from '../../models/session.model';
import { UserModel } from '../../models/user.model';
import { scopeFilter } from '../../auth/scope';
import { recordAudit } from '../audit/record-audit';
import type { RequestMeta } from '../../auth/request-meta';
import { actorOfActing } from './acting-principal';

/**
 * Ends one session. Users end their own; holders of `sessions:manage` end those of users in
 * their units. Anything else reads as not found, so session ids of others do not leak.
 */
export async function endSession(options: { principal: Principal; sessionId: string; meta: RequestMeta }): Promise<void> {
  const { principal, sessionId } = options;
  const session = await SessionModel.findById(sessionId, { userId: 1 }).lean();
  let allowed = session?.userId === principal.userId;
  if (session && !allowed && hasPermission(principal, 'sessions:manage')) {
    allowed = Boolean(await UserModel.exists({ _id: session.userId, ...scopeFilter(principal.scope) }));
  }
  if (!session || !allowed) throw new AppError('NOT_FOUND', `session ${sessionId} not found`);
  await SessionModel.deleteOne({ _id: sessionId });
  await recordAudit({
    actor: actorOfActing({ principal }),
    action: 'session.end',
    target: { type: 'session', id: sessionId, label: session.userId === principal.userId ? 'own session' : `session of user ${session.userId}` },
    ip: options.meta.ip,
    outcome: 'success',
    businessUnitId: principal.businessUnitId,
  });
}

/** Ends every session of a user except, optionally, one (password change, disabling, admin action). */
export async function endSessionsOfUser(options: { userId: string; exceptSessionId?: string }): Promise<number> {
  const filter = options.exceptSessionId ? { userId: options.userId, _id: { $ne: options.exceptSessionId } } : { userId: options.userId };
  const result = await SessionModel.deleteMany(filter);
  return result.deletedCount;
}
