import { Schema } from 'mongoose';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../auth/permissions';
import { defineModel } from './define-model';

/** An API token. The token itself is shown once; only its SHA-256 is stored. */
export interface ApiToken {
  name: string;
  tokenHash: string;
  /** First characters of the token, so a user can tell tokens apart. */
  prefix: string;
  userId: string;
  role: Role;
  /** Only these of the role's permissions (a GitOps node's `deployment:report`, say); null: all of them. */
  permissions: Permission[] | null;
  businessUnitIds: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const apiTokenSchema = new Schema<ApiToken>(
  {
    name: { type: String, required: true },
    tokenHash: { type: String, required: true },
    prefix: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    permissions: { type: [{ type: String, enum: PERMISSIONS }], default: null },
    businessUnitIds: { type: [String], required: true },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { collection: 'api_tokens', timestamps: true, versionKey: false },
);
apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
apiTokenSchema.index({ userId: 1 });

export const ApiTokenModel = defineModel<ApiToken>('ApiToken', apiTokenSchema);

/** Projection for reads that leave the token services. */
export const WITHOUT_TOKEN_HASH = { tokenHash: 0 } as const;
