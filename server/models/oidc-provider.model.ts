import { Schema } from 'mongoose';
import { ROLES, type Role } from '../auth/permissions';
import { ROOT_BUSINESS_UNIT_ID } from '../auth/scope';
import { defineModel } from './define-model';

export const OIDC_TOKEN_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type OidcTokenAuthMethod = (typeof OIDC_TOKEN_AUTH_METHODS)[number];

/** One IdP group and what its members become in Vigil. Mappings are tried in order; the first match wins. */
export interface OidcGroupMapping {
  group: string;
  role: Role;
  businessUnitId: string;
}

/** An OpenID Connect identity provider users can sign in with ("Sign in with <displayName>"). */
export interface OidcProvider {
  /** Slug, part of the redirect URI: /api/auth/oidc/<_id>/callback. */
  _id: string;
  displayName: string;
  /** Issuer identifier; discovery reads <issuer>/.well-known/openid-configuration. */
  issuer: string;
  clientId: string;
  /** BinData subtype 6 (random encryption, purpose "oidc"); the secret once decrypted; null for a public client. */
  clientSecret: unknown;
  /** Kept beside the ciphertext so listings never need to read it. */
  hasClientSecret: boolean;
  tokenAuthMethod: OidcTokenAuthMethod;
  scopes: string[];
  /** ID token / userinfo claim holding the user's groups (a string array, or one string). */
  groupClaim: string;
  groupMappings: OidcGroupMapping[];
  /** Role of users no mapping matches; null refuses them. */
  defaultRole: Role | null;
  defaultBusinessUnitId: string;
  /** Apply the installation's MFA policy (local TOTP) to this provider's users as well. */
  applyMfaPolicy: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const groupMappingSchema = new Schema<OidcGroupMapping>(
  {
    group: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    businessUnitId: { type: String, required: true },
  },
  { _id: false },
);

const oidcProviderSchema = new Schema<OidcProvider>(
  {
    _id: { type: String, required: true },
    displayName: { type: String, required: true },
    issuer: { type: String, required: true },
    clientId: { type: String, required: true },
    clientSecret: { type: Schema.Types.Mixed, default: null },
    hasClientSecret: { type: Boolean, required: true, default: false },
    tokenAuthMethod: { type: String, enum: OIDC_TOKEN_AUTH_METHODS, required: true, default: 'client_secret_basic' },
    scopes: { type: [String], default: () => ['openid', 'email', 'profile'] },
    groupClaim: { type: String, required: true, default: 'groups' },
    groupMappings: { type: [groupMappingSchema], default: [] },
    defaultRole: { type: String, enum: [...ROLES, null], default: null },
    defaultBusinessUnitId: { type: String, required: true, default: ROOT_BUSINESS_UNIT_ID },
    applyMfaPolicy: { type: Boolean, default: false },
    enabled: { type: Boolean, default: true },
  },
  { collection: 'oidc_providers', timestamps: true, versionKey: false },
);

export const OidcProviderModel = defineModel<OidcProvider>('OidcProvider', oidcProviderSchema);

/** Projection of every read that leaves the SSO services: the client secret stays in the data layer. */
export const WITHOUT_CLIENT_SECRET = { clientSecret: 0 } as const;
