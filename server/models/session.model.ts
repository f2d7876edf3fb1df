import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * `mfa-pending`: password accepted, TOTP still due. `mfa-enrolment`: MFA is required for this
 * user but not set up yet; only enrolment is allowed. Only `active` sessions reach the console.
 */
export const SESSION_STATES = ['active', 'mfa-pending', 'mfa-enrolment'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Server-side session. The cookie holds a random token; only its SHA-256 is stored. */
export interface Session {
  _id: string;
  tokenHash: string;
  csrfToken: string;
  userId: string;
  state: SessionState;
  authMethod: 'password' | 'oidc';
  ip: string | null;
  userAgent: string;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  /** Last time the user proved their password/TOTP again; sensitive changes need it recent. */
  reauthenticatedAt: Date;
}

const sessionSchema = new Schema<Session>(
  {
    _id: { type: String, required: true },
    tokenHash: { type: String, required: true },
    csrfToken: { type: String, required: true },
    userId: { type: String, required: true },
    state: { type: String, enum: SESSION_STATES, required: true },
    authMethod: { type: String, enum: ['password', 'oidc'], required: true },
    ip: { type: String, default: null },
    userAgent: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    idleExpiresAt: { type: Date, required: true },
    absoluteExpiresAt: { type: Date, required: true },
    reauthenticatedAt: { type: Date, required: true },
  },
  { collection: 'sessions', versionKey: false },
);
sessionSchema.index({ tokenHash: 1 }, { unique: true });
sessionSchema.index({ userId: 1 });
sessionSchema.index({ idleExpiresAt: 1 });

export const SessionModel = defineModel<Session>('Session', sessionSchema);
