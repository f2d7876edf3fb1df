'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useMemo, type FormEvent } from 'react';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { formatCount, formatDateTime, formatDay, formatRelative } from '../../_components/ui/format';
import { SortHeader, StatePager, type SortDirection } from '../../_components/ui/table';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { TICKET_STATUS_LABEL, TicketStatusBadge, isOverdue } from './_components/ticket-labels';
import {
  DEFAULT_TICKET_DIRECTION,
  DEFAULT_TICKETS_STATE,
  TICKET_FILTER_KEYS,
  TICKET_PAGE_SIZES,
  TICKET_VIEW_STATUSES,
  hasTicketFilters,
  parseTicketsState,
  ticketsStateToInput,
  ticketsStateToQuery,
  type TicketViewSort,
  type TicketsViewState,
} from './tickets-state';

type TicketsPage = RouterOutputs['tickets']['list'];
type Ticket = TicketsPage['items'][number];
type Option = { id: string; label: string };

/** The URL is the state: a new filter is a new history entry, so Back returns to the previous view. */
function navigate(state: TicketsViewState) {
  const query = ticketsStateToQuery(state);
  window.history.pushState(null, '', query ? `/tickets?${query}` : '/tickets');
}

/** A choice for the URL's value even when the list does not hold it (a shared link). */
const withCurrent = (value: string, options: readonly Option[]) => (value && !options.some((option) => option.id === value) ? [{ id: value, label: value }, ...options] : options);

function FilterForm({ state, assignees, assets }: { state: TicketsViewState; assignees: readonly Option[]; assets: readonly Option[] }) {
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params = new URLSearchParams({ sort: state.sort, dir: state.dir, size: String(state.size) });
    for (const key of TICKET_FILTER_KEYS) params.set(key, String(form.get(key) ?? ''));
    const next = parseTicketsState(params);
    if (ticketsStateToQuery(next) !== ticketsStateToQuery(state)) navigate(next);
  };
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();
  const select = (name: string, label: string, value: string, options: readonly Option[]) => (
    <div className="ui-field">
      <label htmlFor={`tickets-${name}`}>{label}</label>
      <select id={`tickets-${name}`} name={name} className="ui-select" defaultValue={value} onChange={applyNow} data-testid={`tickets-filter-${name}`}>
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form className="card ui-filters" role="search" aria-label="Filter tickets" onSubmit={onSubmit} data-testid="tickets-filters">
      {select('status', 'Status', state.status, [{ id: '', label: 'Any status' }, ...TICKET_VIEW_STATUSES.map((status) => ({ id: status, label: TICKET_STATUS_LABEL[status]! }))])}
      {select('assignee', 'Assignee', state.assignee, [{ id: '', label: 'Anyone' }, ...withCurrent(state.assignee, assignees)])}
      {select('asset', 'Asset', state.asset, [{ id: '', label: 'Any asset' }, ...withCurrent(state.asset, assets)])}
      {select('overdue', 'Due', state.overdue, [
        { id: '', label: 'Any' },
        { id: 'true', label: 'Overdue' },
      ])}
      <div className="ui-form-actions">
        <button type="submit" className="button ui-primary" data-testid="tickets-apply">
          Apply
        </button>
        <button type="button" className="button" onClick={() => navigate({ ...DEFAULT_TICKETS_STATE, sort: state.sort, dir: state.dir, size: state.size })} disabled={!hasTicketFilters(state)} data-testid="tickets-reset">
          Reset
        </button>
      </div>
    </form>
  );
}

function TicketRow({ ticket, now }: { ticket: Ticket; now: number }) {
  const overdue = isOverdue(ticket, now);
  const remaining = ticket.verification?.remaining.length;
  return (
    <tr className={ticket.status === 'closed' ? 'is-muted' : undefined} data-testid="ticket-row" data-id={ticket.id} data-status={ticket.status}>
      <th scope="row">
        <Link href={`/tickets/${ticket.id}`} data-testid="ticket-link">
          {ticket.title}
        </Link>
        {ticket.description ? <span className="ui-sub">{ticket.description.length > 120 ? `${ticket.description.slice(0, 120)}…` : ticket.description}</span> : null}
      </th>
      <td>
        <TicketStatusBadge status={ticket.status} />
      </td>
      <td data-testid="ticket-assignee">{ticket.assignee?.email ?? <span className="ui-muted">nobody</span>}</td>
      <td className="ui-num" data-testid="ticket-findings">
        {formatCount(ticket.findingIds.length)}
        <span className="ui-sub">
          {ticket.assetIds.length} {ticket.assetIds.length === 1 ? 'asset' : 'assets'}
        </span>
      </td>
      <td className="ui-nowrap" data-testid="ticket-verification">
        {ticket.verification ? (
          <>
            {remaining === 0 ? 'all fixed' : `${formatCount(remaining ?? 0)} still open`}
            <span className="ui-sub" title={formatDateTime(ticket.verification.at)}>
              checked {formatRelative(ticket.verification.at, now)}
            </span>
          </>
        ) : (
          <span className="ui-muted">not yet scanned</span>
        )}
      </td>
      <td className="ui-nowrap" data-testid="ticket-due" data-overdue={overdue}>
        {ticket.dueAt ? <span className={overdue ? 'tk-overdue' : undefined}>{formatDay(ticket.dueAt)}</span> : <span className="ui-muted">—</span>}
        {overdue ? <span className="ui-sub">overdue</span> : null}
      </td>
      <td className="ui-nowrap" title={formatDateTime(ticket.createdAt)}>
        {formatDay(ticket.createdAt)}
      </td>
      <td className="ui-nowrap" title={formatDateTime(ticket.updatedAt)}>
        {formatRelative(ticket.updatedAt, now)}
      </td>
    </tr>
  );
}

/** The remediation tickets of the reader's business units: filtered, sorted and paged on the server, the view in the URL. */
export function TicketsView(props: {
  initialState: TicketsViewState;
  initialData: TicketsPage | null;
  initialError: { code: string; message: string } | null;
  assignees: readonly Option[];
  assets: readonly Option[];
  now: number;
}) {
  const searchParams = useSearchParams();
  const state = useMemo(() => parseTicketsState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const stateKey = ticketsStateToQuery(state);
  const isInitial = stateKey === ticketsStateToQuery(props.initialState);
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.tickets.list.queryOptions(ticketsStateToInput(state)), initialData: isInitial && props.initialData ? props.initialData : undefined, placeholderData: keepPreviousData, retry: false });
  const data = query.data;
  const error = query.error ? toUiError(query.error) : !data && isInitial ? props.initialError : null;
  const sort = { by: state.sort, dir: state.dir };
  const onSort = (next: { by: TicketViewSort; dir: SortDirection }) => navigate({ ...state, sort: next.by, dir: next.dir, page: 1 });
  const header = (label: string, by: TicketViewSort, className?: string) => (
    <SortHeader label={label} sort={by} current={sort} defaultDir={DEFAULT_TICKET_DIRECTION[by]} onSort={onSort} className={className} testIdPrefix="tickets" />
  );

  return (
    <>
      <FilterForm key={stateKey} state={state} assignees={props.assignees} assets={props.assets} />
      <section className="card ui-card" aria-labelledby="tickets-title" aria-busy={query.isFetching} data-testid="tickets-results">
        <header className="ui-card-header">
          <h2 id="tickets-title">
            <span data-testid="tickets-total">{data ? formatCount(data.total) : '—'}</span> {data?.total === 1 ? 'ticket' : 'tickets'}
          </h2>
          <p className="ui-card-note">
            Create tickets from <Link href="/findings">findings</Link>: select open findings, then <em>Create ticket…</em>. Scan results verify them.
          </p>
          <span className="ui-loading" role="status" aria-live="polite">
            {query.isFetching ? 'Loading…' : ''}
          </span>
        </header>
        <ErrorAlert error={error} title="The tickets could not be read." testId="tickets-list-error" />
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="tickets-table">
            <caption className="ui-sr-only">Remediation tickets; column headers with buttons sort the table.</caption>
            <thead>
              <tr>
                {header('Title', 'title')}
                {header('Status', 'status')}
                <th scope="col">Assignee</th>
                <th scope="col" className="ui-num">
                  Findings
                </th>
                <th scope="col">Verification</th>
                {header('Due', 'dueAt')}
                {header('Created', 'createdAt')}
                {header('Changed', 'updatedAt')}
              </tr>
            </thead>
            <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
              {data?.items.map((ticket) => (
                <TicketRow key={ticket.id} ticket={ticket} now={props.now} />
              ))}
            </tbody>
          </table>
          {data && data.items.length === 0 ? (
            <div className="ui-empty" data-testid="tickets-empty">
              <strong>No tickets {hasTicketFilters(state) ? 'match' : 'yet'}.</strong>
              <span>{hasTicketFilters(state) ? 'Widen the filters, or reset them.' : 'Group open findings into a ticket from the findings list or a finding’s page.'}</span>
            </div>
          ) : null}
        </div>
        {data ? <StatePager state={state} navigate={navigate} total={data.total} sizes={TICKET_PAGE_SIZES} testIdPrefix="tickets" /> : null}
      </section>
    </>
  );
}
