import type { RequestMeta } from '../../auth/request-meta';
import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { CredentialModel } from '../../models/credential.model';
import { UserModel } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { unitInScope } from './list-business-units';

/** Deletes an empty unit. Units that still hold units, users or records are refused, never orphaned. */
export async function deleteBusinessUnit(options: { acting: Acting; unitId: string; meta?: RequestMeta }): Promise<void> {
  const { acting, unitId } = options;
  requirePermission(acting, 'units:manage');
  const unit = unitInScope(acting, unitId) ? await BusinessUnitModel.findById(unitId).lean() : null;
  if (!unit) throw new AppError('NOT_FOUND', `business unit ${unitId} not found`);
  if (unitId === ROOT_BUSINESS_UNIT_ID) throw new AppError('BAD_INPUT', 'the root unit cannot be deleted');
  const holders: [string, Promise<unknown>][] = [
    ['units', BusinessUnitModel.exists({ parentId: unitId })],
    ['users', UserModel.exists({ businessUnitId: unitId })],
    ['credentials', CredentialModel.exists({ businessUnitId: unitId })],
  ];
  const nonEmpty: string[] = [];
  for (const [what, exists] of holders) if (await exists) nonEmpty.push(what);
  if (nonEmpty.length > 0) throw new AppError('CONFLICT', `business unit "${unit.name}" still holds ${nonEmpty.join(', ')}; move or delete them first`);
  await BusinessUnitModel.deleteOne({ _id: unitId });
  await recordAudit({
    actor: actorOfActing(acting),
    action: 'unit.delete',
    target: { type: 'business-unit', id: unitId, label: unit.name },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    businessUnitId: unit.parentId ?? ROOT_BUSINESS_UNIT_ID,
  });
}
