import { scopeOfActing } from '../../../services/auth/acting-principal';
import { getTicket } from '../../../services/tickets/get-ticket';
import { permittedProcedure } from '../../init';
import { ticketIdInput, ticketOutput } from './tickets-schemas';

export const ticketsGet = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/tickets/{id}', tags: ['findings'], protect: true, summary: 'One remediation ticket with its comments and last verification' } })
  .input(ticketIdInput)
  .output(ticketOutput)
  .query(({ ctx, input }) => getTicket({ scope: scopeOfActing(ctx.acting), ticketId: input.id }));
