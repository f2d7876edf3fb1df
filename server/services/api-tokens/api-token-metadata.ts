import type { Permission, Role } from '../../auth/permissions';
import type { ApiToken } from '../../models/api-token.model';

/** What the API says about a token: never the token or its hash. */
export interface ApiTokenMetadata {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  role: Role;
  permissions: Permission[] | null;
  businessUnitIds: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

export function toApiTokenMetadata(doc: Omit<ApiToken, 'tokenHash'> & { _id: unknown }): ApiTokenMetadata {
  return {
    id: String(doc._id),
    name: doc.name,
    prefix: doc.prefix,
    userId: doc.userId,
    role: doc.role,
    permissions: doc.permissions ?? null,
    businessUnitIds: doc.businessUnitIds,
    expiresAt: doc.expiresAt,
    revokedAt: doc.revokedAt,
    lastUsedAt: doc.lastUsedAt,
    createdAt: doc.createdAt,
  };
}
