import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { mfaRequiredFor, readAuthSettings } from '../auth/read-auth-settings';
import { accountRef, auditAccount, readMfaAccount } from './mfa-account';

/**
 * Turns TOTP off and forgets the secret and the recovery codes (a sensitive change: the caller
 * has re-authenticated). Allowed when policy requires MFA too — that is how a new phone is set
 * up — but then the next sign-in makes the user enrol again before anything else.
 */
export async function disableMfa(options: { userId: string; meta: RequestMeta }): Promise<{ requiredByPolicy: boolean }> {
  const user = await readMfaAccount(options.userId);
  const account = accountRef(user);
  const disabled = await UserModel.updateOne(
    { _id: user._id, 'mfa.enabled': true },
    { $set: { 'mfa.enabled': false, 'mfa.secret': null, 'mfa.recoveryCodeHashes': [], 'mfa.enrolledAt': null } },
  );
  if (disabled.matchedCount !== 1) throw new AppError('BAD_INPUT', 'two-factor authentication is not enabled');
  const requiredByPolicy = mfaRequiredFor(await readAuthSettings(), user.role);
  await auditAccount(account, options.meta, { action: 'mfa.disable', outcome: 'success', details: { requiredByPolicy } });
  return { requiredByPolicy };
}
