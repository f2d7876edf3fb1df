import { z } from 'zod';
import type { TrpcContext } from '../../context';
import { sessionCookies } from '../../../auth/cookies';
import type { SignedIn } from '../../../services/mfa/complete-sign-in';
import { signInStepOutput } from '../auth/auth-schemas';

/** Six digits from the authenticator app (spaces allowed, as apps show "123 456"). */
export const totpCodeSchema = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, { message: 'must be the 6-digit code from your authenticator app' }));

export const recoveryCodeSchema = z.string().trim().min(1, { message: 'is required' }).max(64, { message: 'is too long' });

/** Shown once, right after they are made; only their hashes are stored. */
export const recoveryCodesOutput = z.object({ recoveryCodes: z.array(z.string()) });

/** Sets the new session's cookies and answers as `auth.login` does (state `active` now). */
export function signedInStep(ctx: Pick<TrpcContext, 'setCookies'>, signedIn: SignedIn): z.infer<typeof signInStepOutput> {
  ctx.setCookies(sessionCookies({ token: signedIn.token, csrfToken: signedIn.session.csrfToken, absoluteExpiresAt: signedIn.session.absoluteExpiresAt }));
  return { state: signedIn.state, user: signedIn.user, csrfToken: signedIn.session.csrfToken, expiresAt: signedIn.session.absoluteExpiresAt };
}
