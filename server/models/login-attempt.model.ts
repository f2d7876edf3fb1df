import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * Failed sign-ins per client address within a window, for per-IP throttling. Removed by the
 * session clean-up job once the window has passed (no TTL indexes in the FerretDB subset).
 */
export interface LoginAttempt {
  _id: string;
  failures: number;
  windowStartedAt: Date;
  blockedUntil: Date | null;
}

const loginAttemptSchema = new Schema<LoginAttempt>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, required: true, default: 0 },
    windowStartedAt: { type: Date, required: true },
    blockedUntil: { type: Date, default: null },
  },
  { collection: 'login_attempts', versionKey: false },
);
loginAttemptSchema.index({ windowStartedAt: 1 });

export const LoginAttemptModel = defineModel<LoginAttempt>('LoginAttempt', loginAttemptSchema);
