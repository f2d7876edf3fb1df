import type { FilterQuery } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { RemediationTicketModel, type RemediationTicket, type TicketStatus } from '../../models/remediation-ticket.model';
import { toTicketView, type TicketView } from './ticket-view';

export const TICKETS_MAX_PAGE_SIZE = 200;

/**
 * One page of the tickets of the caller's business units, most recently changed first. `overdue`: due before now
 * (and, without a status filter, not resolved or closed).
 */
export async function listTickets(options: {
  scope: Scope;
  filter: { status?: TicketStatus; assigneeId?: string; findingId?: string; assetId?: string; overdue?: boolean };
  page: number;
  pageSize: number;
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
  const [docs, total] = await Promise.all([
    RemediationTicketModel.find(query)
      .sort({ updatedAt: -1, _id: 1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<RemediationTicket[]>(),
    RemediationTicketModel.countDocuments(query),
  ]);
  return { items: docs.map(toTicketView), total, page, pageSize };
}
