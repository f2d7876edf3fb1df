import { checkPasswordPolicy } from '../../auth/password';
import type { RequestMeta } from '../../auth/request-meta';
import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { equalSecrets } from '../../auth/secret-token';
import { AppError } from '../../errors/app-error';
import { SETUP_TOKEN_ID, SetupTokenModel } from '../../models/setup-token.model';
import { UserModel } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { claimOnce } from '../auth/auth-claim';
import { assertAddressNotBlocked, recordAddressFailure } from '../auth/login-throttle';
import { createUser } from '../users/create-user';
import type { UserSummary } from '../users/user-summary';
import { completeSetupInput, type CompleteSetupInput } from './setup-input';
import { hashSetupToken } from './setup-token';
import { removeSetupTokenFile, setupTokenFile } from './setup-token-file';

/** Covers the moment between spending the token and removing it; a process that dies meanwhile blocks it no longer. */
const SETUP_CLAIM_MS = 10 * 60_000;
const NEW_TOKEN_HINT = 'print the current one on the appliance with `sudo vigil admin setup-token`';

/**
 * Creates the first administrator (role admin, root business unit: every unit) with the one-time setup token,
 * while no account exists. The token is compared in constant time, wrong tokens count toward the address's
 * sign-in throttle, and it is spent by a unique claim before the account is made, so of two requests sending
 * it at once exactly one creates an administrator. A refused password leaves the token usable.
 */
export async function completeSetup(options: { input: CompleteSetupInput; dataDir: string; meta: RequestMeta; now?: Date }): Promise<UserSummary> {
  const input = completeSetupInput.parse(options.input);
  const now = options.now ?? new Date();
  const ip = options.meta.ip;
  const refuse = async (reason: string, error: AppError): Promise<AppError> => {
    await recordAudit({ actor: { type: 'anonymous' }, action: 'admin.setup', target: { type: 'user', label: input.email }, ip, outcome: 'failure', reason });
    return error;
  };
  await assertAddressNotBlocked(ip, now);
  if (await UserModel.exists({})) throw await refuse('setup already done', new AppError('CONFLICT', 'setup is done: an account exists already; sign in at /login'));

  const tokenHash = hashSetupToken(input.token);
  const stored = await SetupTokenModel.findById(SETUP_TOKEN_ID).lean();
  if (!stored || !equalSecrets(tokenHash, stored.tokenHash)) {
    await recordAddressFailure(ip, now);
    throw await refuse('wrong setup token', new AppError('FORBIDDEN', `the setup token is wrong or was used already; ${NEW_TOKEN_HINT}`));
  }
  if (stored.expiresAt <= now) {
    throw await refuse('expired setup token', new AppError('FORBIDDEN', `the setup token expired at ${stored.expiresAt.toISOString()}; ${NEW_TOKEN_HINT} (or restart the console)`));
  }
  // Checked before the token is spent: a password the policy refuses costs nothing.
  checkPasswordPolicy(input.password, { email: input.email });
  const claim = await claimOnce(`setup-token:${tokenHash}`, SETUP_CLAIM_MS, now);
  if (!claim) throw await refuse('setup token already used', new AppError('FORBIDDEN', `the setup token was used already; ${NEW_TOKEN_HINT}`));

  let user: UserSummary;
  try {
    user = await createUser({ acting: { system: true }, input: { email: input.email, name: input.name, role: 'admin', businessUnitId: ROOT_BUSINESS_UNIT_ID, password: input.password }, meta: options.meta });
  } catch (error) {
    // Nothing was created: the token stays good for another try.
    await claim.release();
    throw error;
  }
  await SetupTokenModel.deleteOne({ _id: SETUP_TOKEN_ID, tokenHash });
  removeSetupTokenFile(setupTokenFile(options.dataDir));
  await recordAudit({
    actor: { type: 'user', id: user.id, email: user.email },
    action: 'admin.setup',
    target: { type: 'user', id: user.id, label: user.email },
    ip,
    outcome: 'success',
    details: { role: user.role, businessUnitId: user.businessUnitId },
  });
  return user;
}
