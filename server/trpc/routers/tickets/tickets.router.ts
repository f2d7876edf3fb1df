import { router } from '../../init';
import { ticketsComment } from './tickets-comment.procedure';
import { ticketsCreate } from './tickets-create.procedure';
import { ticketsGet } from './tickets-get.procedure';
import { ticketsList } from './tickets-list.procedure';
import { ticketsUpdate } from './tickets-update.procedure';

export const ticketsRouter = router({ create: ticketsCreate, update: ticketsUpdate, comment: ticketsComment, list: ticketsList, get: ticketsGet });
