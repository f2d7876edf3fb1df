import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { UserModel } from '../../models/user.model';
import { accountRef, auditAccount, readMfaAccount } from './mfa-account';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';

/** Ten new recovery codes, shown once; the old ones stop working (a sensitive change). */
export async function regenerateRecoveryCodes(options: { userId: string; meta: RequestMeta }): Promise<{ recoveryCodes: string[] }> {
  const user = await readMfaAccount(options.userId);
  const account = accountRef(user);
  const recoveryCodes = newRecoveryCodes();
  const replaced = await UserModel.updateOne({ _id: user._id, 'mfa.enabled': true }, { $set: { 'mfa.recoveryCodeHashes': recoveryCodes.map(hashRecoveryCode) } });
  if (replaced.matchedCount !== 1) throw new AppError('BAD_INPUT', 'two-factor authentication is not enabled');
  await auditAccount(account, options.meta, { action: 'mfa.recovery_codes_regenerate', outcome: 'success', details: { recoveryCodes: recoveryCodes.length } });
  return { recoveryCodes };
}
