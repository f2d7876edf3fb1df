import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { ASSETS_MAX_PAGE_SIZE, ASSET_SORTS, listAssets } from '../../../services/assets/list-assets';
import { permittedProcedure } from '../../init';
import { assetSummaryOutput } from './assets-schemas';

/** Flat, so every filter is a query parameter of GET /api/v1/assets. */
export const assetsListInput = z
  .object({
    /** Part of a name, hostname or address, any case. Blank means no filter. */
    query: z
      .string()
      .trim()
      .max(253)
      .regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed')
      .optional()
      .transform((value) => (value ? value : undefined)),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(ASSETS_MAX_PAGE_SIZE).default(50),
    sortBy: z.enum(ASSET_SORTS).default('findings'),
    sortDirection: z.enum(['asc', 'desc']).default('desc'),
  })
  .default({ query: undefined, page: 1, pageSize: 50, sortBy: 'findings', sortDirection: 'desc' });

export const assetsListOutput = z.object({ items: z.array(assetSummaryOutput), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export const assetsList = permittedProcedure('assets:read')
  .meta({ openapi: { method: 'GET', path: '/assets', tags: ['assets'], protect: true, summary: 'Assets of your business units with their open findings per severity: filtered, sorted, paged' } })
  .input(assetsListInput)
  .output(assetsListOutput)
  .query(({ ctx, input: { query, page, pageSize, sortBy, sortDirection } }) =>
    listAssets({ scope: scopeOfActing(ctx.acting), ...(query ? { query } : {}), page, pageSize, sort: { by: sortBy, direction: sortDirection } }),
  );
