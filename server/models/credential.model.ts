import { Schema } from 'mongoose';
import { ROOT_BUSINESS_UNIT_ID } from '../auth/scope';
import { defineModel } from './define-model';

export const CREDENTIAL_TYPES = ['ssh-password', 'ssh-key'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** What `secret` holds once decrypted. Only the scanner job path ever reads it. */
export interface CredentialSecret {
  password?: string;
  privateKey?: string;
  passphrase?: string;
  sudoPassword?: string;
}

export interface Credential {
  name: string;
  type: CredentialType;
  username: string;
  sudo: boolean;
  hasPassphrase: boolean;
  hasSudoPassword: boolean;
  businessUnitId: string;
  /** BinData subtype 6 on disk (random encryption, purpose "credentials"); a CredentialSecret once decrypted. */
  secret: unknown;
  rotatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const credentialSchema = new Schema<Credential>(
  {
    name: { type: String, required: true },
    type: { type: String, enum: CREDENTIAL_TYPES, required: true },
    username: { type: String, required: true },
    sudo: { type: Boolean, required: true, default: false },
    hasPassphrase: { type: Boolean, required: true, default: false },
    hasSudoPassword: { type: Boolean, required: true, default: false },
    businessUnitId: { type: String, required: true, default: ROOT_BUSINESS_UNIT_ID },
    secret: { type: Schema.Types.Mixed, required: true },
    rotatedAt: { type: Date, default: null },
  },
  { collection: 'credentials', timestamps: true, versionKey: false },
);
credentialSchema.index({ businessUnitId: 1, name: 1 }, { unique: true });

export const CredentialModel = defineModel<Credential>('Credential', credentialSchema);

/** Projection every metadata read uses, so ciphertext never leaves the data layer by accident. */
export const WITHOUT_SECRET = { secret: 0 } as const;
