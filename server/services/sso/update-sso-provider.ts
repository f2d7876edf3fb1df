import type { RequestMeta } from '../../auth/request-meta';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { OidcProviderModel, WITHOUT_CLIENT_SECRET } from '../../models/oidc-provider.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { assertSecretFitsMethod } from './sso-client-secret';
import { updateSsoProviderInput, type UpdateSsoProviderInput } from './sso-provider-input';
import { assertGrantableRefs, assertProviderInReach } from './sso-provider-refs';
import { toSsoProviderSummary, type SsoProviderSummary } from './sso-provider-summary';

/**
 * Changes a provider. Fields left out keep their value; `clientSecret` replaces the secret
 * (null removes it). Changed mappings apply from each user's next sign-in.
 */
export async function updateSsoProvider(options: {
  acting: Acting;
  encryption: FieldEncryption;
  id: string;
  input: UpdateSsoProviderInput;
  meta?: RequestMeta;
}): Promise<SsoProviderSummary> {
  const { acting, id } = options;
  requirePermission(acting, 'sso:manage');
  const { clientSecret, ...input } = updateSsoProviderInput.parse(options.input);
  const existing = await OidcProviderModel.findById(id, WITHOUT_CLIENT_SECRET).lean();
  if (!existing) throw new AppError('NOT_FOUND', `SSO provider ${id} not found`);
  assertProviderInReach(acting, existing);
  const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const merged = { ...existing, ...changes } as typeof existing;
  const hasClientSecret = clientSecret === undefined ? existing.hasClientSecret : clientSecret !== null;
  assertSecretFitsMethod(merged.tokenAuthMethod, hasClientSecret);
  if (input.groupMappings !== undefined || input.defaultRole !== undefined || input.defaultBusinessUnitId !== undefined) await assertGrantableRefs(acting, merged);

  const set: Record<string, unknown> = { ...changes };
  if (clientSecret !== undefined) {
    set.clientSecret = clientSecret === null ? null : await options.encryption.encrypt(clientSecret, { purpose: 'oidc' });
    set.hasClientSecret = hasClientSecret;
  }
  const result = await OidcProviderModel.updateOne({ _id: id }, { $set: set });
  if (result.matchedCount === 0) throw new AppError('NOT_FOUND', `SSO provider ${id} not found`);
  const updated = await OidcProviderModel.findById(id, WITHOUT_CLIENT_SECRET).lean();
  if (!updated) throw new AppError('NOT_FOUND', `SSO provider ${id} not found`);
  const summary = toSsoProviderSummary(updated);
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'sso.update',
    target: { type: 'sso-provider', id, label: summary.displayName },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: {
      fields: Object.keys(changes).sort().join(',') || null,
      clientSecret: clientSecret === undefined ? 'kept' : clientSecret === null ? 'removed' : 'replaced',
      enabled: summary.enabled,
    },
  });
  return summary;
}
