import { getBusinessUnit } from '../../../services/business-units/list-business-units';
import { permittedProcedure } from '../../init';
import { unitIdInput, unitOutput } from './units-schemas';

export const unitsGet = permittedProcedure('units:read')
  .meta({ openapi: { method: 'GET', path: '/units/{id}', tags: ['units'], protect: true, summary: 'One business unit of yours' } })
  .input(unitIdInput)
  .output(unitOutput)
  .query(({ ctx, input }) => getBusinessUnit({ acting: ctx.acting, unitId: input.id }));
