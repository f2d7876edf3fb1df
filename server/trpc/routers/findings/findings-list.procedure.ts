import { z } from 'zod';
import { FINDING_STATUSES } from '../../../models/finding.model';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { FINDINGS_MAX_PAGE_SIZE, FINDING_SORTS, listFindings } from '../../../services/findings/list-findings';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';
import { findingOutput } from './findings-schemas';

/** Flat, so every filter is a query parameter of GET /api/v1/findings. */
export const findingsListInput = z
  .object({
    assetId: z.string().trim().min(1).max(64).optional(),
    status: z.enum(FINDING_STATUSES).optional(),
    severity: z.enum(KB_SEVERITIES).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(FINDINGS_MAX_PAGE_SIZE).default(50),
    sortBy: z.enum(FINDING_SORTS).default('severity'),
    sortDirection: z.enum(['asc', 'desc']).default('desc'),
  })
  .default({ page: 1, pageSize: 50, sortBy: 'severity', sortDirection: 'desc' });

export const findingsListOutput = z.object({
  items: z.array(findingOutput.extend({ assetName: z.string() })),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const findingsList = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings', tags: ['findings'], protect: true, summary: 'Findings of your business units: filtered, sorted, paged' } })
  .input(findingsListInput)
  .output(findingsListOutput)
  .query(({ ctx, input: { page, pageSize, sortBy, sortDirection, ...filter } }) =>
    listFindings({ scope: scopeOfActing(ctx.acting), filter, page, pageSize, sort: { by: sortBy, direction: sortDirection } }),
  );
