import { AppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { mfaRequiredFor, readAuthSettings } from '../auth/read-auth-settings';

export interface MfaStatus {
  enabled: boolean;
  enrolledAt: Date | null;
  /** A secret was made but no code from it confirmed yet. */
  pendingEnrolment: boolean;
  recoveryCodesLeft: number;
  /** The installation's policy requires MFA for this user's role. */
  requiredByPolicy: boolean;
}

/** The caller's own second-factor state; never the secret (it is not even read). */
export async function getMfaStatus(options: { userId: string }): Promise<MfaStatus> {
  const user = await UserModel.findById(options.userId, { role: 1, 'mfa.enabled': 1, 'mfa.enrolledAt': 1, 'mfa.recoveryCodeHashes': 1 }).lean();
  if (!user) throw new AppError('UNAUTHENTICATED', 'account removed');
  const enabled = Boolean(user.mfa?.enabled);
  const pendingEnrolment = !enabled && Boolean(await UserModel.exists({ _id: options.userId, 'mfa.enabled': false, 'mfa.secret': { $ne: null } }));
  return {
    enabled,
    enrolledAt: enabled ? (user.mfa.enrolledAt ?? null) : null,
    pendingEnrolment,
    recoveryCodesLeft: enabled ? user.mfa.recoveryCodeHashes.length : 0,
    requiredByPolicy: mfaRequiredFor(await readAuthSettings(), user.role),
  };
}
