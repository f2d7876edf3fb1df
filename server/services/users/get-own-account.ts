import type { Principal } from '../../auth/principal';
import { AppError } from '../../errors/app-error';
import { UserModel, WITHOUT_USER_SECRETS } from '../../models/user.model';
import { toUserSummary, type UserSummary } from './user-summary';

/** The caller's own account (needs no users:read). */
export async function getOwnAccount(options: { principal: Principal }): Promise<UserSummary> {
  const user = await UserModel.findById(options.principal.userId, WITHOUT_USER_SECRETS).lean();
  if (!user) throw new AppError('UNAUTHENTICATED', 'account removed');
  return toUserSummary(user);
}
