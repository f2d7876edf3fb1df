import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * A single-sign-on login in flight, between the redirect to the IdP and its callback. Keyed by
 * the SHA-256 of the `state` parameter (the state itself only travels in the URL and a cookie);
 * used once, removed at the callback or by the clean-up job after `expiresAt`.
 */
export interface OidcTransaction {
  _id: string;
  providerId: string;
  /** Not secret: it travels in the authorization request and comes back inside the ID token. */
  nonce: string;
  /** PKCE code verifier: BinData subtype 6 (purpose "oidc"), the verifier once decrypted. */
  codeVerifier: unknown;
  /** The redirect_uri sent to the IdP; the token request repeats it exactly. */
  redirectUri: string;
  /** Console path to land on once signed in (checked to be a local path before it is stored). */
  returnTo: string;
  ip: string | null;
  createdAt: Date;
  expiresAt: Date;
}

const oidcTransactionSchema = new Schema<OidcTransaction>(
  {
    _id: { type: String, required: true },
    providerId: { type: String, required: true },
    nonce: { type: String, required: true },
    codeVerifier: { type: Schema.Types.Mixed, required: true },
    redirectUri: { type: String, required: true },
    returnTo: { type: String, required: true, default: '/' },
    ip: { type: String, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'oidc_transactions', versionKey: false },
);
oidcTransactionSchema.index({ expiresAt: 1 });

export const OidcTransactionModel = defineModel<OidcTransaction>('OidcTransaction', oidcTransactionSchema);
