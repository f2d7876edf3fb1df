import type { RequestMeta } from '../../auth/request-meta';
import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { OidcProviderModel } from '../../models/oidc-provider.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { ensureRootBusinessUnit } from '../business-units/ensure-root-business-unit';
import { createSsoProviderInput, type CreateSsoProviderInput } from './sso-provider-input';
import { assertGrantableRefs } from './sso-provider-refs';
import { assertSecretFitsMethod } from './sso-client-secret';
import { toSsoProviderSummary, type SsoProviderSummary } from './sso-provider-summary';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Adds an OpenID Connect provider; its client secret is stored encrypted (purpose "oidc"). */
export async function createSsoProvider(options: {
  acting: Acting;
  encryption: FieldEncryption;
  input: CreateSsoProviderInput;
  meta?: RequestMeta;
}): Promise<SsoProviderSummary> {
  const { acting } = options;
  requirePermission(acting, 'sso:manage');
  const { clientSecret, id, ...input } = createSsoProviderInput.parse(options.input);
  const tokenAuthMethod = input.tokenAuthMethod ?? (clientSecret ? 'client_secret_basic' : 'none');
  const defaultBusinessUnitId = input.defaultBusinessUnitId ?? ROOT_BUSINESS_UNIT_ID;
  assertSecretFitsMethod(tokenAuthMethod, Boolean(clientSecret));
  await ensureRootBusinessUnit();
  await assertGrantableRefs(acting, { ...input, defaultBusinessUnitId });
  if (await OidcProviderModel.exists({ _id: id })) throw new AppError('CONFLICT', `an SSO provider with id "${id}" already exists`);
  let created;
  try {
    created = await OidcProviderModel.create({
      _id: id,
      ...input,
      tokenAuthMethod,
      defaultBusinessUnitId,
      clientSecret: clientSecret ? await options.encryption.encrypt(clientSecret, { purpose: 'oidc' }) : null,
      hasClientSecret: Boolean(clientSecret),
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', `an SSO provider with id "${id}" already exists`);
    throw error;
  }
  const { clientSecret: _secret, ...stored } = created.toObject();
  const summary = toSsoProviderSummary(stored);
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'sso.create',
    target: { type: 'sso-provider', id, label: summary.displayName },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: { issuer: summary.issuer, clientId: summary.clientId, mappings: summary.groupMappings.length, defaultRole: summary.defaultRole, enabled: summary.enabled },
  });
  return summary;
}
