import { businessUnitInput } from '../../../services/business-units/business-unit-input';
import { createBusinessUnit } from '../../../services/business-units/create-business-unit';
import { permittedProcedure } from '../../init';
import { unitOutput } from './units-schemas';

export const unitsCreate = permittedProcedure('units:manage')
  .meta({ openapi: { method: 'POST', path: '/units', tags: ['units'], protect: true, summary: 'Add a business unit below one of yours' } })
  .input(businessUnitInput)
  .output(unitOutput)
  .mutation(({ ctx, input }) => createBusinessUnit({ acting: ctx.acting, input, meta: ctx.meta }));
