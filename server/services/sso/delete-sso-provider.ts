import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { OidcProviderModel, WITHOUT_CLIENT_SECRET } from '../../models/oidc-provider.model';
import { OidcTransactionModel } from '../../models/oidc-transaction.model';
import { UserModel } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { assertProviderInReach } from './sso-provider-refs';

/**
 * Removes a provider and its logins in flight. Its users stay (with their history) but can no
 * longer sign in: they have no password; re-creating a provider with the same id lets them in again.
 */
export async function deleteSsoProvider(options: { acting: Acting; id: string; meta?: RequestMeta }): Promise<{ id: string; users: number }> {
  const { acting, id } = options;
  requirePermission(acting, 'sso:manage');
  const existing = await OidcProviderModel.findById(id, WITHOUT_CLIENT_SECRET).lean();
  if (!existing) throw new AppError('NOT_FOUND', `SSO provider ${id} not found`);
  assertProviderInReach(acting, existing);
  const result = await OidcProviderModel.deleteOne({ _id: id });
  if (result.deletedCount === 0) throw new AppError('NOT_FOUND', `SSO provider ${id} not found`);
  await OidcTransactionModel.deleteMany({ providerId: id });
  const users = await UserModel.countDocuments({ 'oidc.providerId': id });
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'sso.delete',
    target: { type: 'sso-provider', id, label: existing.displayName },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: { issuer: existing.issuer, users },
  });
  return { id, users };
}
