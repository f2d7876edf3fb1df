import { Schema } from 'mongoose';
import { ROLES, type Role } from '../auth/permissions';
import { defineModel } from './define-model';

/** Installation-wide authentication policy (one document, `_id: 'auth'`). */
export interface AuthSettings {
  _id: 'auth';
  /** `roles`: MFA is required for the roles in `mfaRoles`. */
  mfaRequired: 'off' | 'all' | 'roles';
  mfaRoles: Role[];
  updatedAt: Date;
}

const authSettingsSchema = new Schema<AuthSettings>(
  {
    _id: { type: String, required: true },
    mfaRequired: { type: String, enum: ['off', 'all', 'roles'], required: true, default: 'off' },
    mfaRoles: { type: [{ type: String, enum: ROLES }], default: [] },
  },
  { collection: 'settings', timestamps: { createdAt: false, updatedAt: true }, versionKey: false },
);

export const AuthSettingsModel = defineModel<AuthSettings>('AuthSettings', authSettingsSchema);
