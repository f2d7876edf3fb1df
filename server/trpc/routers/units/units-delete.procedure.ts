import { z } from 'zod';
import { deleteBusinessUnit } from '../../../services/business-units/delete-business-unit';
import { permittedProcedure } from '../../init';
import { unitIdInput } from './units-schemas';

export const unitsDeleteOutput = z.object({ ok: z.literal(true) });

/** Only an empty unit (no units, users or records below it) can be deleted. */
export const unitsDelete = permittedProcedure('units:manage')
  .meta({ openapi: { method: 'DELETE', path: '/units/{id}', tags: ['units'], protect: true, summary: 'Delete an empty business unit' } })
  .input(unitIdInput)
  .output(unitsDeleteOutput)
  .mutation(async ({ ctx, input }) => {
    await deleteBusinessUnit({ acting: ctx.acting, unitId: input.id, meta: ctx.meta });
    return { ok: true as const };
  });
