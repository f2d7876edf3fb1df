import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * Things that may happen only once, settled by the unique `_id` (FerretDB 1.24 does not serialise
 * conditional updates, an insert's unique key it does): a TOTP time step a user has used, a
 * recovery code being consumed, the one sign-in attempt of an account being checked right now, the one
 * roll-up of an asset running now.
 * Removed by the `session-cleanup` job once `expiresAt` has passed (no TTL indexes in the FerretDB subset).
 */
export interface AuthClaim {
  _id: string;
  /** Random per claimant, so a holder releases only its own claim. */
  holder: string;
  expiresAt: Date;
}

const authClaimSchema = new Schema<AuthClaim>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'auth_claims', versionKey: false },
);
authClaimSchema.index({ expiresAt: 1 });

export const AuthClaimModel = defineModel<AuthClaim>('AuthClaim', authClaimSchema);
