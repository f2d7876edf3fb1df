import { isValidObjectId } from 'mongoose';
import { hasPermission, type Principal } from '../../auth/principal';
import type { RequestMeta } from '../../auth/request-meta';
import { scopeFilter } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { ApiTokenModel } from '../../models/api-token.model';
import { UserModel } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing } from '../auth/acting-principal';

/** Revokes a token of the caller, or of a user in their units for holders of `users:manage`. */
export async function revokeApiToken(options: { principal: Principal; tokenId: string; meta: RequestMeta; now?: Date }): Promise<void> {
  const { principal, tokenId } = options;
  const notFound = new AppError('NOT_FOUND', `API token ${tokenId} not found`);
  if (!isValidObjectId(tokenId)) throw notFound;
  const token = await ApiTokenModel.findById(tokenId, { userId: 1, name: 1, revokedAt: 1 }).lean();
  let allowed = token?.userId === principal.userId;
  if (token && !allowed && hasPermission(principal, 'users:manage')) {
    allowed = Boolean(await UserModel.exists({ _id: token.userId, ...scopeFilter(principal.scope) }));
  }
  if (!token || !allowed) throw notFound;
  if (!token.revokedAt) await ApiTokenModel.updateOne({ _id: tokenId }, { $set: { revokedAt: options.now ?? new Date() } });
  await recordAudit({
    actor: actorOfActing({ principal }),
    action: 'token.revoke',
    target: { type: 'api-token', id: tokenId, label: token.name },
    ip: options.meta.ip,
    outcome: 'success',
    businessUnitId: principal.businessUnitId,
  });
}
