import { Schema } from 'mongoose';
import { ROLES, type Role } from '../auth/permissions';
import { ROOT_BUSINESS_UNIT_ID } from '../auth/scope';
import { defineModel } from './define-model';

export interface UserMfa {
  enabled: boolean;
  /** BinData subtype 6 (random encryption, purpose "totp"); the base32 secret once decrypted. */
  secret: unknown;
  /** SHA-256 of each unused recovery code. */
  recoveryCodeHashes: string[];
  /** Last accepted TOTP time step, so a code cannot be replayed within its window. */
  lastUsedStep: number;
  enrolledAt: Date | null;
}

export interface User {
  email: string;
  name: string;
  role: Role;
  businessUnitId: string;
  /** argon2id PHC string; null for SSO-only users, who cannot sign in with a password. */
  passwordHash: string | null;
  authSource: 'local' | 'oidc';
  oidc: { providerId: string; subject: string } | null;
  mfa: UserMfa;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  passwordChangedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<User>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, default: '' },
    role: { type: String, enum: ROLES, required: true },
    businessUnitId: { type: String, required: true, default: ROOT_BUSINESS_UNIT_ID },
    passwordHash: { type: String, default: null },
    authSource: { type: String, enum: ['local', 'oidc'], required: true, default: 'local' },
    oidc: { type: new Schema({ providerId: String, subject: String }, { _id: false }), default: null },
    mfa: {
      type: new Schema(
        {
          enabled: { type: Boolean, default: false },
          secret: { type: Schema.Types.Mixed, default: null },
          recoveryCodeHashes: { type: [String], default: [] },
          lastUsedStep: { type: Number, default: 0 },
          enrolledAt: { type: Date, default: null },
        },
        { _id: false },
      ),
      default: () => ({}),
    },
    disabled: { type: Boolean, default: false },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
    passwordChangedAt: { type: Date, default: null },
  },
  { collection: 'users', timestamps: true, versionKey: false },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ 'oidc.providerId': 1, 'oidc.subject': 1 });
userSchema.index({ businessUnitId: 1 });

export const UserModel = defineModel<User>('User', userSchema);

/** Projection for every read that leaves the auth services: no hash, no TOTP material. */
export const WITHOUT_USER_SECRETS = { passwordHash: 0, 'mfa.secret': 0, 'mfa.recoveryCodeHashes': 0 } as const;
