import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listBusinessUnitRisk } from '../../../services/findings/risk-rollup';
import { permittedProcedure } from '../../init';

export const findingsRiskOutput = z.array(
  z.object({
    businessUnitId: z.string(),
    assets: z.number().int().nonnegative(),
    openFindings: z.number().int().nonnegative(),
    riskTotal: z.number().nonnegative(),
    riskMax: z.number().nonnegative(),
    riskiestAssetId: z.string().nullable(),
  }),
);

/** Risk per business unit of yours, rolled up from its assets (open findings without an approved exception). */
export const findingsRisk = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings/risk', tags: ['findings'], protect: true, summary: 'Risk per business unit: sum and worst of its assets’ open findings' } })
  .input(z.void())
  .output(findingsRiskOutput)
  .query(({ ctx }) => listBusinessUnitRisk({ scope: scopeOfActing(ctx.acting) }));
