import { z } from 'zod';
import { TICKET_MAX_FINDINGS } from '../../../models/remediation-ticket.model';
import { createTicket } from '../../../services/tickets/create-ticket';
import { permittedProcedure } from '../../init';
import { ticketDescription, ticketOutput, ticketTitle, userIdInput } from './tickets-schemas';

export const ticketsCreateInput = z.object({
  title: ticketTitle,
  description: ticketDescription.optional(),
  /** Open findings of one business unit; a single one the caller cannot see fails the whole request. */
  findingIds: z.array(z.string().trim().min(1).max(400)).min(1).max(TICKET_MAX_FINDINGS),
  /** A user of the caller's units who can see the findings' unit. */
  assigneeId: userIdInput.optional(),
  dueAt: z.iso.datetime().optional(),
});

export const ticketsCreate = permittedProcedure('findings:remediate')
  .meta({ openapi: { method: 'POST', path: '/tickets', tags: ['findings'], protect: true, summary: 'Group open findings of one business unit into a remediation ticket' } })
  .input(ticketsCreateInput)
  .output(ticketOutput)
  .mutation(({ ctx, input: { dueAt, ...input } }) => createTicket({ acting: ctx.acting, input: { ...input, ...(dueAt ? { dueAt: new Date(dueAt) } : {}) }, meta: ctx.meta }));
