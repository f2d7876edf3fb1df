import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { FINDING_EXCEPTION_FILTERS, FINDING_SORTS, FINDING_STATUS_FILTERS, FINDINGS_MAX_PAGE_SIZE, listFindings } from '../../../services/findings/list-findings';
import { SLA_STATES } from '../../../services/findings/sla';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';
import { findingWithAssetOutput } from './findings-schemas';

const probability = z.coerce.number().min(0).max(1);

/** Flat, so every filter is a query parameter of GET /api/v1/findings. */
export const findingsListInput = z
  .object({
    assetId: z.string().trim().min(1).max(64).optional(),
    /** A lifecycle status, or `open` (new, active or reopened). */
    status: z.enum(FINDING_STATUS_FILTERS).optional(),
    severity: z.enum(KB_SEVERITIES).optional(),
    /** Listed in CISA KEV (`true`) or not (`false`): a string, as every query parameter of GET is. */
    kev: z.stringbool().optional(),
    epssMin: probability.optional(),
    epssMax: probability.optional(),
    /** Open findings without an approved exception whose SLA is in this state. */
    slaState: z.enum(SLA_STATES).optional(),
    /** `none`: not covered by an approved exception; else the kind that covers it. */
    exception: z.enum(FINDING_EXCEPTION_FILTERS).optional(),
    package: z.string().trim().min(1).max(200).regex(/^[^\p{Cc}]*$/u, 'control characters are not allowed').optional(),
    cve: z.string().trim().min(1).max(64).regex(/^[\w.:-]+$/, 'a CVE or advisory id').optional(),
    /** This business unit and the units below it; one outside your units matches nothing. */
    businessUnitId: z.string().trim().min(1).max(100).optional(),
    /** First seen more than this many days ago. */
    olderThanDays: z.coerce.number().int().min(1).max(3650).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(FINDINGS_MAX_PAGE_SIZE).default(50),
    sortBy: z.enum(FINDING_SORTS).default('risk'),
    sortDirection: z.enum(['asc', 'desc']).default('desc'),
  })
  .refine((input) => input.epssMin === undefined || input.epssMax === undefined || input.epssMin <= input.epssMax, { message: 'epssMin must not exceed epssMax', path: ['epssMin'] })
  .default({ page: 1, pageSize: 50, sortBy: 'risk', sortDirection: 'desc' });

export const findingsListOutput = z.object({
  items: z.array(findingWithAssetOutput),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const findingsList = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings', tags: ['findings'], protect: true, summary: 'Findings of your business units: filtered (status, severity, KEV, EPSS, SLA state, exception, asset, business unit, package, CVE, age), sorted, paged' } })
  .input(findingsListInput)
  .output(findingsListOutput)
  .query(({ ctx, input: { page, pageSize, sortBy, sortDirection, ...filter } }) =>
    listFindings({ scope: scopeOfActing(ctx.acting), filter, page, pageSize, sort: { by: sortBy, direction: sortDirection } }),
  );
