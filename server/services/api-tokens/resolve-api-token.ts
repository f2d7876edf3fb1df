import { permissionsOf } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import { sha256Hex } from '../../auth/secret-token';
import { AppError } from '../../errors/app-error';
import { ApiTokenModel } from '../../models/api-token.model';
import { UserModel, WITHOUT_USER_SECRETS } from '../../models/user.model';
import { intersectScopes, scopeOfUnits } from '../business-units/unit-scope';
import { API_TOKEN_PREFIX } from './create-api-token';

const LAST_USED_INTERVAL_MS = 60_000;

/**
 * The principal a Bearer token stands for. Its rights are the token's role (or only the
 * permissions it names) and units, narrowed to what its owner holds now: demoting or disabling the owner narrows every token.
 */
export async function resolveApiToken(options: { token: string; now?: Date }): Promise<Principal> {
  const now = options.now ?? new Date();
  const invalid = new AppError('UNAUTHENTICATED', 'API token not recognised, expired or revoked');
  if (!options.token.startsWith(API_TOKEN_PREFIX)) throw invalid;
  const token = await ApiTokenModel.findOne({ tokenHash: sha256Hex(options.token) }).lean();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) throw invalid;
  const owner = await UserModel.findById(token.userId, WITHOUT_USER_SECRETS).lean();
  if (!owner || owner.disabled) throw invalid;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_INTERVAL_MS) {
    await ApiTokenModel.updateOne({ _id: token._id }, { $set: { lastUsedAt: now } });
  }
  const ownerPermissions = new Set(permissionsOf(owner.role));
  return {
    via: 'token',
    userId: String(owner._id),
    email: owner.email,
    name: owner.name,
    role: token.role,
    permissions: permissionsOf(token.role).filter((p) => ownerPermissions.has(p) && (!token.permissions || token.permissions.includes(p))),
    businessUnitId: owner.businessUnitId,
    scope: intersectScopes(await scopeOfUnits(token.businessUnitIds), await scopeOfUnits([owner.businessUnitId])),
    tokenId: String(token._id),
  };
}
