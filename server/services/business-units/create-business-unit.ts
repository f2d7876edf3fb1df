import { randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, type Acting } from '../auth/acting-principal';
import { ensureRootBusinessUnit } from './ensure-root-business-unit';
import { businessUnitInput, type BusinessUnitInput } from './business-unit-input';
import { toBusinessUnitSummary, type BusinessUnitSummary } from './business-unit-summary';
import { unitInScope } from './list-business-units';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Adds a unit below one the caller may manage (so nobody creates units outside their own subtree). */
export async function createBusinessUnit(options: { acting: Acting; input: BusinessUnitInput; meta?: RequestMeta }): Promise<BusinessUnitSummary> {
  requirePermission(options.acting, 'units:manage');
  const input = businessUnitInput.parse(options.input);
  await ensureRootBusinessUnit();
  const parent = unitInScope(options.acting, input.parentId) ? await BusinessUnitModel.findById(input.parentId).lean() : null;
  if (!parent) throw new AppError('NOT_FOUND', `business unit ${input.parentId} not found`);
  let created;
  try {
    created = await BusinessUnitModel.create({
      _id: randomUUID(),
      name: input.name,
      parentId: parent._id,
      ancestors: [...parent.ancestors, parent._id],
      description: input.description,
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', `"${parent.name}" already has a unit named "${input.name}"`);
    throw error;
  }
  const summary = toBusinessUnitSummary(created.toObject());
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'unit.create',
    target: { type: 'business-unit', id: summary.id, label: summary.name },
    ip: options.meta?.ip ?? null,
    outcome: 'success',
    details: { parentId: parent._id },
    businessUnitId: summary.id,
  });
  return summary;
}
