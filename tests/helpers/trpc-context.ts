import { permissionsOf, type Role } from '../../server/auth/permissions';
import type { Principal } from '../../server/auth/principal';
import { ROOT_BUSINESS_UNIT_ID } from '../../server/auth/scope';
import type { Runtime } from '../../server/runtime/runtime';
import type { TrpcContext } from '../../server/trpc/context';

/** A principal as the console would resolve it, without going through a session. */
export function testPrincipal(options: { role?: Role; userId?: string; businessUnitIds?: string[] } = {}): Principal {
  const role = options.role ?? 'admin';
  const units = options.businessUnitIds ?? [ROOT_BUSINESS_UNIT_ID];
  return {
    via: 'session',
    userId: options.userId ?? '000000000000000000000001',
    email: `${role}@vigil.test`,
    name: role,
    role,
    permissions: permissionsOf(role),
    businessUnitId: units[0]!,
    scope: { kind: 'units', businessUnitIds: units },
  };
}

/** A tRPC context for server-side callers in tests; `principal: null` is an anonymous caller. */
export function testContext(options: { runtime: Runtime; principal?: Principal | null }): TrpcContext {
  const principal = options.principal === undefined ? testPrincipal() : options.principal;
  return {
    runtime: options.runtime,
    requestId: 'test',
    meta: { ip: '127.0.0.1', userAgent: 'vitest' },
    headers: new Headers(),
    auth: { principal, session: null, pendingSession: null, rejection: null },
    scope: principal?.scope ?? { kind: 'units', businessUnitIds: [] },
    setCookies: () => undefined,
  };
}
