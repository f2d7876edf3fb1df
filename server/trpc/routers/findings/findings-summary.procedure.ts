import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { summarizeFindings } from '../../../services/findings/summarize-findings';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';
import { findingsListInput } from './findings-list.procedure';

const count = z.number().int().nonnegative();

/** Open findings of a list's filter per severity. Takes findings.list's input; paging and sort are ignored. */
export const findingsSummary = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings/summary', tags: ['findings'], protect: true, summary: 'Open findings matching the list’s filters, per severity' } })
  .input(findingsListInput)
  .output(z.object({ open: z.array(z.object({ severity: z.enum(KB_SEVERITIES), count })), openTotal: count }))
  .query(({ ctx, input: { page: _page, pageSize: _pageSize, sortBy: _sortBy, sortDirection: _sortDirection, ...filter } }) => summarizeFindings({ scope: scopeOfActing(ctx.acting), filter }));
