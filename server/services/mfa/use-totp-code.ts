import { UserModel } from '../../models/user.model';
import { claimOnce } from '../auth/auth-claim';
import type { AttemptOutcome } from './guarded-attempt';
import { totpSecretOf, type MfaAccount } from './mfa-account';
import { checkTotpCode, TOTP_PERIOD_SECONDS } from './totp';

export const WRONG_TOTP_CODE = { ok: false, reason: 'wrong TOTP code', message: 'wrong code: enter the current code from your authenticator app' } as const;
export const REPLAYED_TOTP_CODE = { ok: false, reason: 'replayed TOTP code', message: 'this code has already been used; wait for the next one' } as const;
const MFA_CHANGED = { ok: false, reason: 'two-factor settings changed during the check', message: 'two-factor authentication changed meanwhile; try again' } as const;

/** A code is accepted from one step before its own until one step after: its claim outlives that. */
const STEP_CLAIM_MS = 6 * TOTP_PERIOD_SECONDS * 1000;

/**
 * Checks a TOTP code of `user` and uses up its time step. Replays are refused twice over: a step
 * at or before `mfa.lastUsedStep` fails the check, and the step is claimed by a unique key, so of
 * two concurrent uses of one code exactly one gets through, on FerretDB too (which does not
 * serialise conditional updates). `enabled` is the MFA state the step is used in (false while
 * confirming an enrolment).
 */
export async function useTotpCode(options: { user: MfaAccount; code: string; now: Date; enabled: boolean }): Promise<AttemptOutcome<{ step: number }>> {
  const { user, now } = options;
  const checked = await checkTotpCode({ secret: totpSecretOf(user), code: options.code, lastUsedStep: user.mfa.lastUsedStep, now });
  if (!checked.ok) return checked.reason === 'replayed' ? REPLAYED_TOTP_CODE : WRONG_TOTP_CODE;
  // Never released: the claim is what keeps the step used while a code of it could still pass.
  const claim = await claimOnce(`totp:${String(user._id)}:${checked.step}`, STEP_CLAIM_MS, now);
  if (!claim) return REPLAYED_TOTP_CODE;
  const recorded = await UserModel.updateOne(
    { _id: user._id, 'mfa.enabled': options.enabled, 'mfa.lastUsedStep': { $lt: checked.step } },
    { $set: { 'mfa.lastUsedStep': checked.step } },
  );
  if (recorded.matchedCount === 1) return { ok: true, value: { step: checked.step } };
  // A later code was used meanwhile (its step is the newer one), or MFA was switched on or off.
  const current = await UserModel.findById(user._id, { 'mfa.lastUsedStep': 1, 'mfa.enabled': 1 }).lean();
  return current?.mfa.enabled === options.enabled ? REPLAYED_TOTP_CODE : MFA_CHANGED;
}
