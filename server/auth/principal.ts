import type { Permission, Role } from './permissions';
import type { Scope } from './scope';

/** Who is calling, as resolved from a session cookie or an API token. */
export interface Principal {
  via: 'session' | 'token';
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** A token's permissions are its role's, narrowed to what its owner still holds. */
  permissions: readonly Permission[];
  /** The user's own unit; `scope` is it and the units below it (narrower for a token). */
  businessUnitId: string;
  scope: Scope;
  sessionId?: string;
  tokenId?: string;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}
