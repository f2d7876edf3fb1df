import { ROLES, type Role } from '../../auth/permissions';
import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { AuthSettingsModel, type AuthSettings } from '../../models/auth-settings.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { readAuthSettings } from '../auth/read-auth-settings';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export interface AuthPolicyView {
  /** `off`, `all` (everyone), or `roles` (the roles in `mfaRoles`). */
  mfaRequired: AuthSettings['mfaRequired'];
  mfaRoles: Role[];
  updatedAt: Date | null;
}

export async function getAuthPolicy(options: { acting: Acting }): Promise<AuthPolicyView> {
  requirePermission(options.acting, 'settings:manage');
  const doc = await AuthSettingsModel.findById('auth').lean();
  return { mfaRequired: doc?.mfaRequired ?? 'off', mfaRoles: doc?.mfaRoles ?? [], updatedAt: doc?.updatedAt ?? null };
}

/**
 * Who must use a second factor. It applies from each user's next sign-in: a user it newly covers
 * signs in with the password and must then set up TOTP before anything else.
 */
export async function setAuthPolicy(options: {
  acting: Acting;
  mfaRequired: AuthSettings['mfaRequired'];
  mfaRoles: Role[];
  meta: RequestMeta;
}): Promise<AuthPolicyView> {
  requirePermission(options.acting, 'settings:manage');
  const mfaRoles = ROLES.filter((role) => options.mfaRoles.includes(role));
  if (options.mfaRequired === 'roles' && mfaRoles.length === 0) throw new AppError('BAD_INPUT', 'name at least one role that must use two-factor authentication');
  const before = await readAuthSettings();
  const change = { $set: { mfaRequired: options.mfaRequired, mfaRoles } };
  try {
    // The one document is made by the first change.
    await AuthSettingsModel.updateOne({ _id: 'auth' }, change, { upsert: true });
  } catch (error) {
    // Two first changes at once: the loser's insert collides on `_id`; it updates instead.
    if (!isDuplicateKeyError(error)) throw error;
    await AuthSettingsModel.updateOne({ _id: 'auth' }, change);
  }
  const after = await getAuthPolicy({ acting: options.acting });
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'settings.auth_policy',
    target: { type: 'settings', id: 'auth', label: 'authentication policy' },
    ip: options.meta.ip,
    outcome: 'success',
    details: { mfaRequired: after.mfaRequired, mfaRoles: after.mfaRoles.join(','), previousMfaRequired: before.mfaRequired, previousMfaRoles: before.mfaRoles.join(',') },
  });
  return after;
}
