import type { RequestMeta } from '../../auth/request-meta';
import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { forEachWrite } from '../../db/write-limits';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { updateBusinessUnitInput, type UpdateBusinessUnitInput } from './business-unit-input';
import { toBusinessUnitSummary, type BusinessUnitSummary } from './business-unit-summary';
import { unitInScope } from './list-business-units';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Renames a unit or moves it (with its subtree) below another unit the caller manages. */
export async function updateBusinessUnit(options: { acting: Acting; unitId: string; input: UpdateBusinessUnitInput; meta?: RequestMeta }): Promise<BusinessUnitSummary> {
  const { acting, unitId } = options;
  requirePermission(acting, 'units:manage');
  const input = updateBusinessUnitInput.parse(options.input);
  const unit = unitInScope(acting, unitId) ? await BusinessUnitModel.findById(unitId).lean() : null;
  if (!unit) throw new AppError('NOT_FOUND', `business unit ${unitId} not found`);
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.description !== undefined) set.description = input.description;
  const moving = input.parentId !== undefined && input.parentId !== unit.parentId;
  if (moving) {
    if (unitId === ROOT_BUSINESS_UNIT_ID) throw new AppError('BAD_INPUT', 'the root unit cannot be moved');
    // Moving a unit to where the caller cannot see would lose it; the caller's own unit stays put.
    if (!unitInScope(acting, unit.parentId ?? '')) throw new AppError('BAD_INPUT', 'you cannot move your own top unit');
    const parent = unitInScope(acting, input.parentId!) ? await BusinessUnitModel.findById(input.parentId).lean() : null;
    if (!parent) throw new AppError('NOT_FOUND', `business unit ${input.parentId} not found`);
    if (parent._id === unitId || parent.ancestors.includes(unitId)) throw new AppError('BAD_INPUT', 'a unit cannot be moved below itself');
    set.parentId = parent._id;
    set.ancestors = [...parent.ancestors, parent._id];
  }
  try {
    await BusinessUnitModel.updateOne({ _id: unitId }, { $set: set });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', `the parent already has a unit named "${input.name ?? unit.name}"`);
    throw error;
  }
  if (moving) {
    const newPrefix = set.ancestors as string[];
    const descendants = await BusinessUnitModel.find({ ancestors: unitId }, { ancestors: 1 }).lean();
    await forEachWrite(descendants, (d) => {
      const below = d.ancestors.slice(d.ancestors.indexOf(unitId));
      return BusinessUnitModel.updateOne({ _id: d._id }, { $set: { ancestors: [...newPrefix, ...below] } });
    });
  }
  const updated = await BusinessUnitModel.findById(unitId).lean();
  const summary = toBusinessUnitSummary(updated!);
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'unit.update',
    target: { type: 'business-unit', id: unitId, label: summary.name },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: { name: input.name ?? null, parentId: input.parentId ?? null },
    businessUnitId: unitId,
  });
  return summary;
}
