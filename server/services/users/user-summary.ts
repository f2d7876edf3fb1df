import type { Role } from '../../auth/permissions';
import type { User } from '../../models/user.model';

/** What the API says about a user: no password hash, no TOTP material. */
export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  businessUnitId: string;
  authSource: 'local' | 'oidc';
  mfaEnabled: boolean;
  disabled: boolean;
  locked: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

type UserDoc = Omit<User, 'passwordHash'> & { _id: unknown };

export function toUserSummary(user: UserDoc, now: Date = new Date()): UserSummary {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    role: user.role,
    businessUnitId: user.businessUnitId,
    authSource: user.authSource,
    mfaEnabled: Boolean(user.mfa?.enabled),
    disabled: user.disabled,
    locked: Boolean(user.lockedUntil && user.lockedUntil > now),
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}
