import { z } from 'zod';
import { listBusinessUnits } from '../../../services/business-units/list-business-units';
import { permittedProcedure } from '../../init';
import { unitOutput } from './units-schemas';

export const unitsListOutput = z.object({ items: z.array(unitOutput) });

export const unitsList = permittedProcedure('units:read')
  .meta({ openapi: { method: 'GET', path: '/units', tags: ['units'], protect: true, summary: 'Your business unit and the units below it, parents first' } })
  .input(z.void())
  .output(unitsListOutput)
  .query(async ({ ctx }) => ({ items: await listBusinessUnits({ acting: ctx.acting }) }));
