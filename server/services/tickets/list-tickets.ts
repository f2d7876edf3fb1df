import type { FilterQuery, SortOrder } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { RemediationTicketModel, type RemediationTicket, type TicketStatus } from '../../models/remediation-ticket.model';
import { toTicketView, type TicketView } from './ticket-view';

export const TICKETS_MAX_PAGE_SIZE = 200;
export const TICKET_SORTS = ['updatedAt', 'createdAt', 'dueAt', 'status', 'title'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/**
 * One page of the tickets of the caller's business units, most recently changed first unless `sort` says otherwise.
 * `overdue`: due before now (and, without a status filter, not resolved or closed).
 */
export async function listTickets(options: {
  scope: Scope;
  filter: { status?: TicketStatus; assigneeId?: string; findingId?: string; assetId?: string; overdue?: boolean };
  page: number;
  pageSize: number;
  sort?: { by: TicketSort; direction: 'asc' | 'desc' };
  now?: Date;
}): Promise<{ items: TicketView[]; total: number; page: number; pageSize: number }> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), TICKETS_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const { filter } = options;
  const query: FilterQuery<RemediationTicket> = {
    ...scopeFilter(options.scope),
    ...(filter.status ? { status: filter.status } : filter.overdue ? { status: { $nin: ['resolved', 'closed'] } } : {}),
    ...(filter.assigneeId ? { 'assignee.id': filter.assigneeId } : {}),
    ...(filter.findingId ? { findingIds: filter.findingId } : {}),
    ...(filter.assetId ? { assetIds: filter.assetId } : {}),
    ...(filter.overdue ? { dueAt: { $lt: options.now ?? new Date() } } : {}),
  };
  const sort = options.sort ?? { by: 'updatedAt', direction: 'desc' };
  // _id breaks ties: a total order, so pages never overlap or skip tickets.
  const order: Record<string, SortOrder> = { [sort.by]: sort.direction === 'asc' ? 1 : -1, _id: 1 };
  const [docs, total] = await Promise.all([
    RemediationTicketModel.find(query)
      .sort(order)
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<RemediationTicket[]>(),
    RemediationTicketModel.countDocuments(query),
  ]);
  return { items: docs.map(toTicketView), total, page, pageSize };
}
