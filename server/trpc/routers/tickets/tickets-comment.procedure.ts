import { z } from 'zod';
import { commentOnTicket } from '../../../services/tickets/comment-on-ticket';
import { permittedProcedure } from '../../init';
import { ticketIdInput, ticketOutput } from './tickets-schemas';

export const ticketsCommentInput = ticketIdInput.extend({ text: z.string().trim().min(1).max(2000) });

export const ticketsComment = permittedProcedure('findings:remediate')
  .meta({ openapi: { method: 'POST', path: '/tickets/{id}/comments', tags: ['findings'], protect: true, summary: 'Comment on a ticket' } })
  .input(ticketsCommentInput)
  .output(ticketOutput)
  .mutation(({ ctx, input }) => commentOnTicket({ acting: ctx.acting, ticketId: input.id, text: input.text, meta: ctx.meta }));
