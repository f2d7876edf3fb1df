import { isValidObjectId } from 'mongoose';
import { hasPermission, type Principal } from '../../auth/principal';
import { scopeFilter } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { listSessions, type SessionSummary } from './list-sessions';

/**
 * The sessions of the caller, or — for holders of `sessions:manage` — of a user in their units.
 * Anyone else's user id reads as not found, like `endSession`.
 */
export async function listUserSessions(options: { principal: Principal; userId?: string; currentSessionId?: string }): Promise<SessionSummary[]> {
  const { principal } = options;
  const userId = options.userId ?? principal.userId;
  if (userId !== principal.userId) {
    const visible =
      hasPermission(principal, 'sessions:manage') && isValidObjectId(userId) && Boolean(await UserModel.exists({ _id: userId, ...scopeFilter(principal.scope) }));
    if (!visible) throw new AppError('NOT_FOUND', `user ${userId} not found`);
  }
  return listSessions({ userId, currentSessionId: options.currentSessionId });
}
