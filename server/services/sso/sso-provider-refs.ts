import { roleCovers } from '../../auth/permissions';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import type { OidcGroupMapping, OidcProvider } from '../../models/oidc-provider.model';
import type { Acting } from '../auth/acting-principal';
import { unitInScope } from '../business-units/list-business-units';

type ProviderRefs = Pick<OidcProvider, 'groupMappings' | 'defaultRole' | 'defaultBusinessUnitId'>;

function unitsOf(refs: ProviderRefs): string[] {
  return [...new Set([...refs.groupMappings.map((m: OidcGroupMapping) => m.businessUnitId), refs.defaultBusinessUnitId])];
}

/**
 * A provider hands out roles and units at every sign-in, so whoever configures it must be able
 * to grant them: every unit it maps into exists and lies in the caller's scope, and every role
 * is one the caller's own role covers.
 */
export async function assertGrantableRefs(acting: Acting, refs: ProviderRefs): Promise<void> {
  for (const unitId of unitsOf(refs)) {
    if (!unitInScope(acting, unitId) || !(await BusinessUnitModel.exists({ _id: unitId }))) {
      throw new AppError('NOT_FOUND', `business unit ${unitId} not found`);
    }
  }
  if (!('principal' in acting)) return;
  const roles = [...refs.groupMappings.map((m) => m.role), ...(refs.defaultRole ? [refs.defaultRole] : [])];
  const ungrantable = roles.find((role) => !roleCovers(acting.principal.role, role));
  if (ungrantable) throw new AppError('FORBIDDEN', `you cannot map users to role ${ungrantable}`);
}

/** Changing or removing a provider that places users in units outside the caller's scope is not theirs to do. */
export function assertProviderInReach(acting: Acting, refs: ProviderRefs): void {
  const outside = unitsOf(refs).find((unitId) => !unitInScope(acting, unitId));
  if (outside) throw new AppError('FORBIDDEN', 'this provider maps users into business units outside yours');
}
