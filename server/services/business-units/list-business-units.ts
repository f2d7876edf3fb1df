import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { toBusinessUnitSummary, type BusinessUnitSummary } from './business-unit-summary';

/** Units are scoped by their own id: a user sees their unit and the units below it. */
export function unitsInScope(acting: Acting): Record<string, unknown> {
  const scope = scopeOfActing(acting);
  return scope.kind === 'system' ? {} : { _id: { $in: [...scope.businessUnitIds] } };
}

export function unitInScope(acting: Acting, unitId: string): boolean {
  const scope = scopeOfActing(acting);
  return scope.kind === 'system' || scope.businessUnitIds.includes(unitId);
}

export async function listBusinessUnits(options: { acting: Acting }): Promise<BusinessUnitSummary[]> {
  requirePermission(options.acting, 'units:read');
  const units = await BusinessUnitModel.find(unitsInScope(options.acting)).lean();
  // Tree order: parents before children.
  const path = (u: { ancestors: string[]; _id: string }) => [...u.ancestors, u._id].join('/');
  return units.sort((a, b) => (path(a) < path(b) ? -1 : path(a) > path(b) ? 1 : 0)).map(toBusinessUnitSummary);
}

export async function getBusinessUnit(options: { acting: Acting; unitId: string }): Promise<BusinessUnitSummary> {
  requirePermission(options.acting, 'units:read');
  const unit = unitInScope(options.acting, options.unitId) ? await BusinessUnitModel.findById(options.unitId).lean() : null;
  if (!unit) throw new AppError('NOT_FOUND', `business unit ${options.unitId} not found`);
  return toBusinessUnitSummary(unit);
}
