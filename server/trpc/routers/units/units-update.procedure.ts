import { updateBusinessUnitInput } from '../../../services/business-units/business-unit-input';
import { updateBusinessUnit } from '../../../services/business-units/update-business-unit';
import { permittedProcedure } from '../../init';
import { unitIdInput, unitOutput } from './units-schemas';

export const unitsUpdateInput = unitIdInput.extend(updateBusinessUnitInput.shape);

/** Renames a unit, or moves it (with everything below it) under another unit of yours. */
export const unitsUpdate = permittedProcedure('units:manage')
  .meta({ openapi: { method: 'PATCH', path: '/units/{id}', tags: ['units'], protect: true, summary: 'Rename, describe or move a business unit' } })
  .input(unitsUpdateInput)
  .output(unitOutput)
  .mutation(({ ctx, input: { id, ...changes } }) => updateBusinessUnit({ acting: ctx.acting, unitId: id, input: changes, meta: ctx.meta }));
