import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { FINDING_SORTS, FINDINGS_MAX_PAGE_SIZE } from '../../../services/findings/list-findings';
import { listTicketFindings } from '../../../services/tickets/list-ticket-findings';
import { permittedProcedure } from '../../init';
import { findingsListOutput } from '../findings/findings-list.procedure';
import { ticketIdInput } from './tickets-schemas';

export const ticketsFindingsInput = ticketIdInput.extend({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(FINDINGS_MAX_PAGE_SIZE).default(50),
  sortBy: z.enum(FINDING_SORTS).default('risk'),
  sortDirection: z.enum(['asc', 'desc']).default('desc'),
});

export const ticketsFindings = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/tickets/{id}/findings', tags: ['findings'], protect: true, summary: 'The findings of a ticket, in any status, sorted and paged' } })
  .input(ticketsFindingsInput)
  .output(findingsListOutput)
  .query(({ ctx, input: { id, page, pageSize, sortBy, sortDirection } }) => listTicketFindings({ scope: scopeOfActing(ctx.acting), ticketId: id, page, pageSize, sort: { by: sortBy, direction: sortDirection } }));
