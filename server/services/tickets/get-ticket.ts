import type { Scope } from '../../auth/scope';
import { findTicket } from './ticket-records';
import { toTicketView, type TicketView } from './ticket-view';

/** One ticket of the caller's business units. */
export async function getTicket(options: { scope: Scope; ticketId: string }): Promise<TicketView> {
  return toTicketView(await findTicket(options));
}
