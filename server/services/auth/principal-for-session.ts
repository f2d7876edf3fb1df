import { permissionsOf } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import type { Session } from '../../models/session.model';
import { scopeOfUnits } from '../business-units/unit-scope';
import type { SessionUser } from './resolve-session';

export async function principalForSession(session: Session, user: SessionUser): Promise<Principal> {
  return {
    via: 'session',
    userId: user._id,
    email: user.email,
    name: user.name,
    role: user.role,
    permissions: permissionsOf(user.role),
    businessUnitId: user.businessUnitId,
    scope: await scopeOfUnits([user.businessUnitId]),
    sessionId: session._id,
  };
}
