import type { Permission } from '../../auth/permissions';
import { hasPermission, type Principal } from '../../auth/principal';
import { SYSTEM_SCOPE, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import type { AuditActor } from '../audit/record-audit';

/** Who performs a change: a signed-in principal, or the installation itself (CLI, jobs). */
export type Acting = { principal: Principal } | { system: true };

export function scopeOfActing(acting: Acting): Scope {
  return 'principal' in acting ? acting.principal.scope : SYSTEM_SCOPE;
}

export function actorOfActing(acting: Acting): AuditActor {
  if (!('principal' in acting)) return { type: 'system' };
  const { principal } = acting;
  return { type: principal.via === 'token' ? 'token' : 'user', id: principal.userId, email: principal.email };
}

/** Services check permissions too, so a transport that forgot cannot widen anyone's rights. */
export function requirePermission(acting: Acting, permission: Permission): void {
  if ('principal' in acting && !hasPermission(acting.principal, permission)) {
    throw new AppError('FORBIDDEN', `your role does not allow this (${permission})`);
  }
}
