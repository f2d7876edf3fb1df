import type { Scope } from '../../auth/scope';
import { listFindings, type FindingSort, type ListFindingsResult } from '../findings/list-findings';
import { findTicket } from './ticket-records';

/** One page of the findings of a ticket of the caller's units, in any status (fixed ones are what it is for). */
export async function listTicketFindings(options: { scope: Scope; ticketId: string; page: number; pageSize: number; sort: { by: FindingSort; direction: 'asc' | 'desc' } }): Promise<ListFindingsResult> {
  const ticket = await findTicket(options);
  return listFindings({ scope: options.scope, filter: { findingIds: ticket.findingIds }, page: options.page, pageSize: options.pageSize, sort: options.sort });
}
