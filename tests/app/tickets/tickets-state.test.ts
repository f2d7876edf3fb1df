import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_STATE, hasTicketFilters, parseTicketsState, ticketsStateToInput, ticketsStateToQuery } from '../../../app/(console)/tickets/tickets-state';
import { ticketsListInput } from '../../../server/trpc/routers/tickets/tickets-list.procedure';

const parse = (query: string) => parseTicketsState(new URLSearchParams(query));

describe('tickets URL state', () => {
  it('reads filters, sort and paging, and gives them to tickets.list as it validates them', () => {
    const state = parse('status=in-progress&assignee=65f000000000000000000001&asset=asset-1&overdue=true&sort=dueAt&dir=asc&page=3&size=100');
    expect(state).toEqual({ status: 'in-progress', assignee: '65f000000000000000000001', asset: 'asset-1', overdue: 'true', sort: 'dueAt', dir: 'asc', page: 3, size: 100 });
    expect(ticketsListInput.parse(ticketsStateToInput(state))).toEqual({ status: 'in-progress', assigneeId: '65f000000000000000000001', assetId: 'asset-1', overdue: true, page: 3, pageSize: 100, sortBy: 'dueAt', sortDirection: 'asc' });
  });

  it('falls back to defaults for anything invalid, instead of failing the page', () => {
    expect(parse('status=reopen&assignee=a%20b&asset=%3Cx%3E&overdue=yes&sort=findingIds&dir=up&page=0&size=7')).toEqual(DEFAULT_TICKETS_STATE);
    expect(parse(`asset=${'a'.repeat(101)}`).asset).toBe('');
    expect(parse('page=100001').page).toBe(1);
    expect(parse('sort=dueAt').dir).toBe('asc');
    expect(parse('sort=title&dir=desc').dir).toBe('desc');
  });

  it('writes short URLs (defaults left out) that read back the same', () => {
    expect(ticketsStateToQuery(DEFAULT_TICKETS_STATE)).toBe('');
    expect(ticketsStateToQuery({ ...DEFAULT_TICKETS_STATE, sort: 'dueAt', dir: 'asc' })).toBe('sort=dueAt&dir=asc');
    const state = { ...DEFAULT_TICKETS_STATE, status: 'reopened' as const, overdue: 'true' as const, page: 2 };
    expect(ticketsStateToQuery(state)).toBe('status=reopened&overdue=true&page=2');
    expect(parse(ticketsStateToQuery(state))).toEqual(state);
    expect(hasTicketFilters(state)).toBe(true);
    expect(hasTicketFilters({ ...DEFAULT_TICKETS_STATE, page: 4 })).toBe(false);
  });
});
