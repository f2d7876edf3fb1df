import { z } from 'zod';
import { SETTABLE_TICKET_STATUSES } from '../../../models/remediation-ticket.model';
import { updateTicket } from '../../../services/tickets/update-ticket';
import { permittedProcedure } from '../../init';
import { ticketDescription, ticketIdInput, ticketOutput, ticketTitle, userIdInput } from './tickets-schemas';

export const ticketsUpdateInput = ticketIdInput.extend({
  title: ticketTitle.optional(),
  description: ticketDescription.optional(),
  /** null: unassign. */
  assigneeId: userIdInput.nullable().optional(),
  /** null: no due date. */
  dueAt: z.iso.datetime().nullable().optional(),
  /** `reopened` is set by verification only; `resolved` is confirmed or reopened by the next scan result. */
  status: z.enum(SETTABLE_TICKET_STATUSES).optional(),
});

export const ticketsUpdate = permittedProcedure('findings:remediate')
  .meta({ openapi: { method: 'PATCH', path: '/tickets/{id}', tags: ['findings'], protect: true, summary: 'Change the assignee, due date, status, title or description of a ticket' } })
  .input(ticketsUpdateInput)
  .output(ticketOutput)
  .mutation(({ ctx, input: { id, dueAt, ...changes } }) =>
    updateTicket({ acting: ctx.acting, ticketId: id, changes: { ...changes, ...(dueAt !== undefined ? { dueAt: dueAt === null ? null : new Date(dueAt) } : {}) }, meta: ctx.meta }),
  );
