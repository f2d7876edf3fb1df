import type { Role } from '../../auth/permissions';
import { AuthSettingsModel, type AuthSettings } from '../../models/auth-settings.model';

export type AuthPolicy = Pick<AuthSettings, 'mfaRequired' | 'mfaRoles'>;

export async function readAuthSettings(): Promise<AuthPolicy> {
  const doc = await AuthSettingsModel.findById('auth').lean();
  return { mfaRequired: doc?.mfaRequired ?? 'off', mfaRoles: doc?.mfaRoles ?? [] };
}

export function mfaRequiredFor(settings: AuthPolicy, role: Role): boolean {
  return settings.mfaRequired === 'all' || (settings.mfaRequired === 'roles' && settings.mfaRoles.includes(role));
}
