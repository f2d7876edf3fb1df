import { z } from 'zod';
import { TICKET_STATUSES } from '../../../models/remediation-ticket.model';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listTickets, TICKET_SORTS, TICKETS_MAX_PAGE_SIZE } from '../../../services/tickets/list-tickets';
import { permittedProcedure } from '../../init';
import { ticketOutput, userIdInput } from './tickets-schemas';

export const ticketsListInput = z
  .object({
    status: z.enum(TICKET_STATUSES).optional(),
    assigneeId: userIdInput.optional(),
    findingId: z.string().trim().min(1).max(400).optional(),
    assetId: z.string().trim().min(1).max(100).optional(),
    /** Past the due date (and, without a status filter, not resolved or closed). */
    overdue: z.stringbool().optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(TICKETS_MAX_PAGE_SIZE).default(50),
    sortBy: z.enum(TICKET_SORTS).default('updatedAt'),
    sortDirection: z.enum(['asc', 'desc']).default('desc'),
  })
  .default({ page: 1, pageSize: 50, sortBy: 'updatedAt', sortDirection: 'desc' });

export const ticketsList = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/tickets', tags: ['findings'], protect: true, summary: 'Remediation tickets of your business units: filtered, sorted (most recently changed first by default), paged' } })
  .input(ticketsListInput)
  .output(z.object({ items: z.array(ticketOutput), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }))
  .query(({ ctx, input: { page, pageSize, sortBy, sortDirection, ...filter } }) => listTickets({ scope: scopeOfActing(ctx.acting), filter, page, pageSize, sort: { by: sortBy, direction: sortDirection } }));
