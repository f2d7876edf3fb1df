import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listTicketAssignees } from '../../../services/tickets/list-ticket-assignees';
import { permittedProcedure } from '../../init';

/** E-mails of the unit's people: for those who assign tickets (findings:remediate), not for every reader of findings. */
export const ticketsAssignees = permittedProcedure('findings:remediate')
  .meta({ openapi: { method: 'GET', path: '/tickets/assignees', tags: ['findings'], protect: true, summary: 'People of your business units a ticket can be assigned to (e-mail, name, unit)' } })
  .input(z.void())
  .output(z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), businessUnitId: z.string() })))
  .query(({ ctx }) => listTicketAssignees({ scope: scopeOfActing(ctx.acting) }));
