import { AppError } from '../../../errors/app-error';
import type { Session } from '../../../models/session.model';
import { publicProcedure, REAUTH_WINDOW_MS, rejectUnauthenticated } from '../../init';

export interface EnrolmentContext {
  userId: string;
  /** Set when MFA is required before this user may sign in: the session in `mfa-enrolment`. */
  enrollingSession: Session | null;
}

/**
 * Setting up TOTP is open to two callers: a user whose sign-in stopped at `mfa-enrolment`
 * (policy requires MFA; this is all that session may do), and a signed-in user who proved their
 * password recently (enabling MFA is a sensitive change, as in `sensitiveProcedure`).
 */
export const enrolmentProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const pending = ctx.auth.pendingSession;
  if (pending) {
    if (pending.session.state !== 'mfa-enrolment') throw new AppError('FORBIDDEN', 'enter the code from your authenticator app first: this sign-in is waiting for its second factor');
    return next({ ctx: { enrolment: { userId: pending.user._id, enrollingSession: pending.session } satisfies EnrolmentContext } });
  }
  const principal = ctx.auth.principal ?? (await rejectUnauthenticated(ctx));
  const session = ctx.auth.session;
  if (!session) throw new AppError('FORBIDDEN', 'this change needs an interactive session; API tokens cannot make it');
  if (Date.now() - session.reauthenticatedAt.getTime() > REAUTH_WINDOW_MS) throw new AppError('REAUTH_REQUIRED', 'confirm your password first: this change needs a recent sign-in');
  return next({ ctx: { enrolment: { userId: principal.userId, enrollingSession: null } satisfies EnrolmentContext } });
});
