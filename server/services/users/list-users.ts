import { scopeFilter } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { UserModel, WITHOUT_USER_SECRETS } from '../../models/user.model';
import { requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { isValidObjectId } from 'mongoose';
import { toUserSummary, type UserSummary } from './user-summary';

export async function listUsers(options: { acting: Acting }): Promise<UserSummary[]> {
  requirePermission(options.acting, 'users:read');
  const users = await UserModel.find(scopeFilter(scopeOfActing(options.acting)), WITHOUT_USER_SECRETS).sort({ email: 1 }).lean();
  return users.map((user) => toUserSummary(user));
}

/** One user inside the caller's units; outside them it does not exist. */
export async function getUser(options: { acting: Acting; userId: string }): Promise<UserSummary> {
  requirePermission(options.acting, 'users:read');
  const notFound = new AppError('NOT_FOUND', `user ${options.userId} not found`);
  if (!isValidObjectId(options.userId)) throw notFound;
  const user = await UserModel.findOne({ _id: options.userId, ...scopeFilter(scopeOfActing(options.acting)) }, WITHOUT_USER_SECRETS).lean();
  if (!user) throw notFound;
  return toUserSummary(user);
}
