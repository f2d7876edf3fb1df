import { z } from 'zod';
import { ROLES } from '../../auth/permissions';
import { OIDC_TOKEN_AUTH_METHODS } from '../../models/oidc-provider.model';
import { businessUnitIdSchema } from '../users/user-input';
import { isLoopbackHttpUrl } from './loopback-issuer';

/** Part of the redirect URI (/api/auth/oidc/<id>/callback), so URL-safe and stable. */
export const ssoProviderIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'use 1–40 lower-case letters, digits and "-", starting with a letter or digit' });

/**
 * The issuer identifier exactly as the IdP's discovery document spells it (a trailing slash
 * matters). https only; plain http just for an IdP on this machine's loopback interface.
 */
export const issuerSchema = z
  .string()
  .trim()
  .max(500)
  .pipe(z.url({ message: 'must be a URL' }))
  .refine(
    (value) => {
      const url = new URL(value);
      return !url.search && !url.hash && (url.protocol === 'https:' || isLoopbackHttpUrl(url));
    },
    { message: 'must be an https:// URL without query or fragment (http:// only for 127.0.0.1, ::1 or localhost)' },
  );

const claimNameSchema = z.string().trim().min(1, { message: 'is required' }).max(100);

export const groupMappingSchema = z.object({
  group: z.string().trim().min(1, { message: 'is required' }).max(200),
  role: z.enum(ROLES),
  businessUnitId: businessUnitIdSchema,
});

const scopesSchema = z
  .array(z.string().trim().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { message: 'is not a valid scope token' }).max(100))
  .max(20)
  .transform((scopes) => [...new Set(['openid', ...scopes])]);

const providerFields = {
  displayName: z.string().trim().min(1, { message: 'is required' }).max(80),
  issuer: issuerSchema,
  clientId: z.string().trim().min(1, { message: 'is required' }).max(300),
  tokenAuthMethod: z.enum(OIDC_TOKEN_AUTH_METHODS),
  scopes: scopesSchema,
  groupClaim: claimNameSchema,
  groupMappings: z.array(groupMappingSchema).max(200),
  defaultRole: z.enum(ROLES).nullable(),
  defaultBusinessUnitId: businessUnitIdSchema,
  applyMfaPolicy: z.boolean(),
  enabled: z.boolean(),
};

export const createSsoProviderInput = z.object({
  id: ssoProviderIdSchema,
  ...providerFields,
  /** Default: client_secret_basic with a secret, none (public client) without. */
  tokenAuthMethod: providerFields.tokenAuthMethod.optional(),
  scopes: providerFields.scopes.default(['openid', 'email', 'profile']),
  groupClaim: providerFields.groupClaim.default('groups'),
  groupMappings: providerFields.groupMappings.default([]),
  defaultRole: providerFields.defaultRole.default(null),
  defaultBusinessUnitId: providerFields.defaultBusinessUnitId.optional(),
  applyMfaPolicy: providerFields.applyMfaPolicy.default(false),
  enabled: providerFields.enabled.default(true),
  /** Write-only: stored encrypted, never returned. Omit for a public client (PKCE only). */
  clientSecret: z.string().min(1).max(2000).optional(),
});
export type CreateSsoProviderInput = z.input<typeof createSsoProviderInput>;

export const updateSsoProviderInput = z
  .object(providerFields)
  .partial()
  .extend({
    /** A new secret replaces the stored one; null removes it (public client); absent keeps it. */
    clientSecret: z.string().min(1).max(2000).nullable().optional(),
  });
export type UpdateSsoProviderInput = z.input<typeof updateSsoProviderInput>;
