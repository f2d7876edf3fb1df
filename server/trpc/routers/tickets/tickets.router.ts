import { router } from '../../init';
import { ticketsAssignees } from './tickets-assignees.procedure';
import { ticketsComment } from './tickets-comment.procedure';
import { ticketsCreate } from './tickets-create.procedure';
import { ticketsFindings } from './tickets-findings.procedure';
import { ticketsGet } from './tickets-get.procedure';
import { ticketsHistory } from './tickets-history.procedure';
import { ticketsList } from './tickets-list.procedure';
import { ticketsUpdate } from './tickets-update.procedure';

export const ticketsRouter = router({
  create: ticketsCreate,
  update: ticketsUpdate,
  comment: ticketsComment,
  list: ticketsList,
  assignees: ticketsAssignees,
  findings: ticketsFindings,
  history: ticketsHistory,
  // Last: GET /tickets/{id} would otherwise take /tickets/assignees.
  get: ticketsGet,
});
