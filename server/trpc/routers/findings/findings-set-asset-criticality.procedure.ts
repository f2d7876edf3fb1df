import { z } from 'zod';
import { ASSET_CRITICALITY_MAX, ASSET_CRITICALITY_MIN } from '../../../models/asset.model';
import { setAssetCriticality } from '../../../services/findings/set-asset-criticality';
import { permittedProcedure } from '../../init';

export const findingsSetAssetCriticalityInput = z.object({
  id: z.string().trim().min(1).max(64),
  criticality: z.number().int().min(ASSET_CRITICALITY_MIN).max(ASSET_CRITICALITY_MAX),
});

export const findingsSetAssetCriticalityOutput = z.object({
  assetId: z.string(),
  criticality: z.number().int(),
  risk: z.object({ max: z.number().nonnegative(), total: z.number().nonnegative() }),
});

/** Criticality weighs the risk of every finding of the asset: they are re-scored at once. Audited. */
export const findingsSetAssetCriticality = permittedProcedure('assets:manage')
  .meta({ openapi: { method: 'PUT', path: '/assets/{id}/criticality', tags: ['assets'], protect: true, summary: 'Set an asset’s criticality (1–5) and re-score its findings' } })
  .input(findingsSetAssetCriticalityInput)
  .output(findingsSetAssetCriticalityOutput)
  .mutation(({ ctx, input }) => setAssetCriticality({ acting: ctx.acting, assetId: input.id, criticality: input.criticality, meta: ctx.meta }));
