import type { Role } from '../../auth/permissions';
import type { RequestMeta } from '../../auth/request-meta';
import type { VigilConfig } from '../../config/env';
import { AppError } from '../../errors/app-error';
import { SessionModel, type Session } from '../../models/session.model';
import { UserModel } from '../../models/user.model';
import { createSession, type NewSession } from '../auth/create-session';
import type { AccountRef } from './mfa-account';

/** What a finished sign-in step gives the transport: the new session (its token goes into the cookie). */
export interface SignedIn extends NewSession {
  state: 'active';
  user: { id: string; email: string; name: string; role: Role };
}

/**
 * Turns a half-finished sign-in into a signed-in session. The pending session is consumed (only
 * one request can delete it) and a new one is issued with a fresh id and token, so the token
 * that was valid before the second factor is worth nothing after it.
 */
export async function completeSignIn(options: {
  pending: Session;
  account: AccountRef;
  meta: RequestMeta;
  sessionConfig: VigilConfig['session'];
  now: Date;
}): Promise<SignedIn> {
  const { pending, account, now } = options;
  const consumed = await SessionModel.deleteOne({ _id: pending._id, userId: account.id, state: pending.state });
  if (consumed.deletedCount !== 1) throw new AppError('UNAUTHENTICATED', 'this sign-in was already completed or has expired; sign in again');
  await UserModel.updateOne({ _id: account.id }, { $set: { lastLoginAt: now } });
  const created = await createSession({ userId: account.id, state: 'active', authMethod: pending.authMethod, meta: options.meta, sessionConfig: options.sessionConfig, now });
  return { ...created, state: 'active', user: { id: account.id, email: account.email, name: account.name, role: account.role } };
}
