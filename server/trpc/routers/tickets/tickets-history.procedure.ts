import { z } from 'zod';
import { AUDIT_ACTOR_TYPES } from '../../../models/audit-entry.model';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listTicketHistory } from '../../../services/tickets/list-ticket-history';
import { permittedProcedure } from '../../init';
import { ticketIdInput } from './tickets-schemas';

export const ticketsHistory = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/tickets/{id}/history', tags: ['findings'], protect: true, summary: 'What happened to a ticket, oldest first (its audit entries)' } })
  .input(ticketIdInput)
  .output(
    z.array(
      z.object({
        seq: z.number().int(),
        at: z.iso.datetime(),
        action: z.string(),
        actor: z.object({ type: z.enum(AUDIT_ACTOR_TYPES), email: z.string().nullable() }),
        details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
      }),
    ),
  )
  .query(({ ctx, input }) => listTicketHistory({ scope: scopeOfActing(ctx.acting), ticketId: input.id }));
