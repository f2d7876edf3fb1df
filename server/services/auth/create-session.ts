import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../auth/request-meta';
import { newSecretToken, sha256Hex } from '../../auth/secret-token';
import type { VigilConfig } from '../../config/env';
import { SessionModel, type Session, type SessionState } from '../../models/session.model';

const MINUTE_MS = 60_000;
/** A half-finished sign-in (TOTP or enrolment still due) does not linger. */
const PENDING_LIFETIME_MS = 10 * MINUTE_MS;

export interface NewSession {
  /** Goes into the cookie; never stored. */
  token: string;
  session: Session;
}

/** Starts a session with a fresh id and token: a sign-in never reuses an earlier session id. */
export async function createSession(options: {
  userId: string;
  state: SessionState;
  authMethod: Session['authMethod'];
  meta: RequestMeta;
  sessionConfig: VigilConfig['session'];
  now?: Date;
}): Promise<NewSession> {
  const now = options.now ?? new Date();
  const token = newSecretToken();
  const pending = options.state !== 'active';
  const idleMs = pending ? PENDING_LIFETIME_MS : options.sessionConfig.idleMinutes * MINUTE_MS;
  const absoluteMs = pending ? PENDING_LIFETIME_MS : options.sessionConfig.maxHours * 60 * MINUTE_MS;
  const session = await SessionModel.create({
    _id: randomUUID(),
    tokenHash: sha256Hex(token),
    csrfToken: newSecretToken(),
    userId: options.userId,
    state: options.state,
    authMethod: options.authMethod,
    ip: options.meta.ip,
    userAgent: options.meta.userAgent,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: new Date(now.getTime() + Math.min(idleMs, absoluteMs)),
    absoluteExpiresAt: new Date(now.getTime() + absoluteMs),
    reauthenticatedAt: now,
  });
  return { token, session: session.toObject() };
}
