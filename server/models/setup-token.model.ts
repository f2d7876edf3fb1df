import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/** The one document of `setup_tokens`: there is at most one first-boot setup token at a time. */
export const SETUP_TOKEN_ID = 'first-admin';

/**
 * The one-time token that lets whoever reads the appliance's console create the first administrator
 * in the browser. Only its SHA-256 is stored; the token itself is in `<data dir>/setup-token`.
 * Exists only while no account does.
 */
export interface SetupToken {
  _id: string;
  /** SHA-256 (hex) of the normalised token. */
  tokenHash: string;
  createdAt: Date;
  /** Moved forward when the console restarts while still no account exists. */
  expiresAt: Date;
}

const setupTokenSchema = new Schema<SetupToken>(
  {
    _id: { type: String, required: true },
    tokenHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'setup_tokens', versionKey: false },
);

export const SetupTokenModel = defineModel<SetupToken>('SetupToken', setupTokenSchema);
