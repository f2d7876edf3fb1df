import { isValidObjectId } from 'mongoose';
import { roleCovers } from '../../auth/permissions';
import type { RequestMeta } from '../../auth/request-meta';
import { canWriteUnit, scopeFilter } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { UserModel, WITHOUT_USER_SECRETS } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { endSessionsOfUser } from '../auth/end-sessions';
import { updateUserInput, type UpdateUserInput } from './user-input';
import { toUserSummary, type UserSummary } from './user-summary';

/** Changes role, unit, name or disabled state; disabling or demoting ends the user's sessions. */
export async function updateUser(options: { acting: Acting; userId: string; input: UpdateUserInput; meta?: RequestMeta }): Promise<UserSummary> {
  const { acting, userId } = options;
  requirePermission(acting, 'users:manage');
  const input = updateUserInput.parse(options.input);
  const scope = scopeOfActing(acting);
  const notFound = new AppError('NOT_FOUND', `user ${userId} not found`);
  if (!isValidObjectId(userId)) throw notFound;
  const user = await UserModel.findOne({ _id: userId, ...scopeFilter(scope) }, WITHOUT_USER_SECRETS).lean();
  if (!user) throw notFound;
  if ('principal' in acting) {
    if (acting.principal.userId === userId && (input.role || input.disabled || input.businessUnitId)) {
      throw new AppError('BAD_INPUT', 'you cannot change your own role, unit or disable yourself; ask another administrator');
    }
    if (!roleCovers(acting.principal.role, user.role) || (input.role && !roleCovers(acting.principal.role, input.role))) {
      throw new AppError('FORBIDDEN', 'you cannot manage a user with more rights than your own');
    }
  }
  if (input.businessUnitId && (!canWriteUnit(scope, input.businessUnitId) || !(await BusinessUnitModel.exists({ _id: input.businessUnitId })))) {
    throw new AppError('NOT_FOUND', `business unit ${input.businessUnitId} not found`);
  }
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.role) set.role = input.role;
  if (input.businessUnitId) set.businessUnitId = input.businessUnitId;
  if (input.disabled !== undefined) set.disabled = input.disabled;
  if (input.unlock) Object.assign(set, { lockedUntil: null, failedLogins: 0 });
  const updated = await UserModel.findOneAndUpdate({ _id: userId }, { $set: set }, { new: true }).lean();
  if (!updated) throw notFound;
  const narrowed = input.disabled === true || (input.role && input.role !== user.role) || (input.businessUnitId && input.businessUnitId !== user.businessUnitId);
  if (narrowed) await endSessionsOfUser({ userId });
  const summary = toUserSummary(updated);
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'user.update',
    target: { type: 'user', id: userId, label: user.email },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v as string | boolean])),
    businessUnitId: updated.businessUnitId,
  });
  return summary;
}
