import { hasPermission, type Principal } from '../../auth/principal';
import { ApiTokenModel, WITHOUT_TOKEN_HASH } from '../../models/api-token.model';
import { UserModel } from '../../models/user.model';
import { scopeFilter } from '../../auth/scope';
import { toApiTokenMetadata, type ApiTokenMetadata } from './api-token-metadata';

/** The caller's own tokens; with `users:manage`, `allUsers` lists the tokens of every user in their units. */
export async function listApiTokens(options: { principal: Principal; allUsers?: boolean }): Promise<ApiTokenMetadata[]> {
  const { principal } = options;
  let userIds = [principal.userId];
  if (options.allUsers && hasPermission(principal, 'users:manage')) {
    userIds = (await UserModel.find(scopeFilter(principal.scope), { _id: 1 }).lean()).map((u) => String(u._id));
  }
  const tokens = await ApiTokenModel.find({ userId: { $in: userIds } }, WITHOUT_TOKEN_HASH).sort({ createdAt: -1 }).lean();
  return tokens.map(toApiTokenMetadata);
}
