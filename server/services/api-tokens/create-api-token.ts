import { isRole, roleCovers, roleHas, type Permission, type Role } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import type { RequestMeta } from '../../auth/request-meta';
import { newSecretToken, sha256Hex } from '../../auth/secret-token';
import { AppError } from '../../errors/app-error';
import { ApiTokenModel } from '../../models/api-token.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing } from '../auth/acting-principal';
import { toApiTokenMetadata, type ApiTokenMetadata } from './api-token-metadata';

export const API_TOKEN_PREFIX = 'vgl_';
const MAX_LIFETIME_DAYS = 366;

/**
 * Creates an API token for the caller, as narrow as asked: its role must be covered by the
 * caller's, its permissions (when given) must be the role's, and its units must lie inside the
 * caller's scope. The token is returned once.
 */
export async function createApiToken(options: {
  principal: Principal;
  name: string;
  role?: Role;
  /** Only these of the role's permissions; absent: all of them. */
  permissions?: Permission[];
  businessUnitIds?: string[];
  expiresInDays?: number | null;
  meta: RequestMeta;
  now?: Date;
}): Promise<{ token: string; metadata: ApiTokenMetadata }> {
  const { principal } = options;
  const now = options.now ?? new Date();
  const role = options.role ?? principal.role;
  if (!isRole(role) || !roleCovers(principal.role, role)) throw new AppError('BAD_INPUT', `a token cannot have more rights than its owner (role ${String(role)})`);
  const permissions = options.permissions ? [...new Set(options.permissions)] : null;
  if (permissions?.length === 0) throw new AppError('BAD_INPUT', 'a token needs at least one permission');
  const foreign = (permissions ?? []).filter((permission) => !roleHas(role, permission));
  if (foreign.length > 0) throw new AppError('BAD_INPUT', `role ${role} does not hold ${foreign.join(', ')}`);
  const businessUnitIds = options.businessUnitIds?.length ? [...new Set(options.businessUnitIds)] : [principal.businessUnitId];
  const allowed = principal.scope.kind === 'system' ? null : new Set(principal.scope.businessUnitIds);
  const outside = allowed ? businessUnitIds.filter((id) => !allowed.has(id)) : [];
  if (outside.length > 0) throw new AppError('BAD_INPUT', `business unit(s) outside your own: ${outside.join(', ')}`);
  const days = options.expiresInDays === undefined ? 90 : options.expiresInDays;
  if (days !== null && (days < 1 || days > MAX_LIFETIME_DAYS)) throw new AppError('BAD_INPUT', `expiry must be between 1 and ${MAX_LIFETIME_DAYS} days`);

  const token = newSecretToken(API_TOKEN_PREFIX);
  const created = await ApiTokenModel.create({
    name: options.name,
    tokenHash: sha256Hex(token),
    prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
    userId: principal.userId,
    role,
    permissions,
    businessUnitIds,
    expiresAt: days === null ? null : new Date(now.getTime() + days * 86_400_000),
  });
  const metadata = toApiTokenMetadata(created.toObject());
  await recordAudit({
    actor: actorOfActing({ principal }),
    action: 'token.create',
    target: { type: 'api-token', id: metadata.id, label: metadata.name },
    ip: options.meta.ip,
    outcome: 'success',
    details: { role, permissions: permissions?.join(',') ?? 'all of the role', units: businessUnitIds.join(','), expiresAt: metadata.expiresAt?.toISOString() ?? null },
    businessUnitId: principal.businessUnitId,
  });
  return { token, metadata };
}
