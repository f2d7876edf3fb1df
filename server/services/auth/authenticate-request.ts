import { parseCookies, SESSION_COOKIE } from '../../auth/cookies';
import type { Principal } from '../../auth/principal';
import type { VigilConfig } from '../../config/env';
import { isAppError } from '../../errors/app-error';
import type { Session } from '../../models/session.model';
import { resolveApiToken } from '../api-tokens/resolve-api-token';
import { principalForSession } from './principal-for-session';
import { resolveSession, type SessionUser } from './resolve-session';

export interface RequestAuth {
  principal: Principal | null;
  /** The signed-in session (cookie auth), for CSRF checks and "this session". */
  session: Session | null;
  /** A session halfway through sign-in (TOTP or enrolment due): only the MFA steps accept it. */
  pendingSession: { session: Session; user: SessionUser } | null;
  /** Why presented credentials were refused; null when none were presented. */
  rejection: { kind: 'session' | 'token'; reason: string } | null;
}

const NO_AUTH: RequestAuth = { principal: null, session: null, pendingSession: null, rejection: null };

/** Resolves `Authorization: Bearer` (API tokens) or the session cookie to a principal. */
export async function authenticateRequest(options: { headers: Headers; sessionConfig: VigilConfig['session']; now?: Date }): Promise<RequestAuth> {
  const authorization = options.headers.get('authorization');
  try {
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) return { ...NO_AUTH, rejection: { kind: 'token', reason: 'Authorization header is not "Bearer <token>"' } };
      return { ...NO_AUTH, principal: await resolveApiToken({ token: match[1]!, now: options.now }) };
    }
    const token = parseCookies(options.headers.get('cookie')).get(SESSION_COOKIE);
    if (!token) return NO_AUTH;
    const { session, user } = await resolveSession({ token, sessionConfig: options.sessionConfig, now: options.now });
    if (session.state !== 'active') return { ...NO_AUTH, pendingSession: { session, user } };
    return { ...NO_AUTH, principal: await principalForSession(session, user), session };
  } catch (error) {
    if (isAppError(error) && error.code === 'UNAUTHENTICATED') {
      return { ...NO_AUTH, rejection: { kind: authorization ? 'token' : 'session', reason: error.message } };
    }
    throw error;
  }
}
