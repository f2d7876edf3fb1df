'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { Fragment, useMemo, useState, type FormEvent } from 'react';
import { Badge } from '../../_components/ui/badges';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { formatCount, formatDateTime } from '../../_components/ui/format';
import { StatePager, SortHeader, type SortDirection } from '../../_components/ui/table';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import {
  AUDIT_ACTION_SUGGESTIONS,
  AUDIT_PAGE_SIZES,
  DEFAULT_AUDIT_STATE,
  auditFilterQuery,
  auditStateToInput,
  auditStateToQuery,
  hasAuditFilters,
  parseAuditState,
  type AuditSort,
  type AuditViewState,
} from './audit-state';
import { LoadingNote } from '../../_components/ui/hydration';

type AuditPage = RouterOutputs['audit']['list'];
type Entry = AuditPage['items'][number];

/** The URL is the state: a new filter is a new history entry, so Back returns to the previous view. */
function navigate(state: AuditViewState) {
  const query = auditStateToQuery(state);
  window.history.pushState(null, '', query ? `/audit?${query}` : '/audit');
}

function FilterForm({ state }: { state: AuditViewState }) {
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = parseAuditState(
      new URLSearchParams({
        action: String(form.get('action') ?? ''),
        actor: String(form.get('actor') ?? ''),
        outcome: String(form.get('outcome') ?? ''),
        from: String(form.get('from') ?? ''),
        to: String(form.get('to') ?? ''),
        sort: state.sort,
        dir: state.dir,
        size: String(state.size),
      }),
    );
    if (auditStateToQuery(next) !== auditStateToQuery(state)) navigate(next);
  };
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();
  const exportHref = `/api/audit/export${auditFilterQuery(state).size > 0 ? `?${auditFilterQuery(state).toString()}` : ''}`;
  return (
    <form className="card ui-filters" role="search" aria-label="Filter the audit log" onSubmit={onSubmit} data-testid="audit-filters">
      <div className="ui-field">
        <label htmlFor="audit-action">Action</label>
        <input
          id="audit-action"
          name="action"
          className="ui-input"
          list="audit-actions"
          defaultValue={state.action}
          placeholder="auth, user.update…"
          autoComplete="off"
          spellCheck={false}
          title="An action (auth.login) or an area (auth), which matches all its actions"
          aria-describedby="audit-action-hint"
          data-testid="audit-action"
        />
        <datalist id="audit-actions">
          {AUDIT_ACTION_SUGGESTIONS.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
        <span id="audit-action-hint" className="ui-sr-only">
          An action, or an area such as auth that matches all its actions
        </span>
      </div>
      <div className="ui-field ui-field-grow">
        <label htmlFor="audit-actor">Actor</label>
        <input id="audit-actor" name="actor" type="search" className="ui-input" defaultValue={state.actor} placeholder="Part of an e-mail address" autoComplete="off" data-testid="audit-actor" />
      </div>
      <div className="ui-field">
        <label htmlFor="audit-outcome">Outcome</label>
        <select id="audit-outcome" name="outcome" className="ui-select" defaultValue={state.outcome} onChange={applyNow} data-testid="audit-outcome">
          <option value="">Any outcome</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
        </select>
      </div>
      <div className="ui-field" role="group" aria-labelledby="audit-dates">
        <span id="audit-dates" className="ui-field-label">
          Date (UTC)
        </span>
        <div className="ui-range">
          <input name="from" type="date" className="ui-input" defaultValue={state.from} max="9999-12-31" aria-label="From (UTC day)" data-testid="audit-from" />
          <span aria-hidden="true">–</span>
          <input name="to" type="date" className="ui-input" defaultValue={state.to} max="9999-12-31" aria-label="To (UTC day, inclusive)" data-testid="audit-to" />
        </div>
      </div>
      <div className="ui-form-actions">
        <button type="submit" className="button ui-primary" data-testid="audit-apply">
          Apply
        </button>
        <button type="button" className="button" onClick={() => navigate({ ...DEFAULT_AUDIT_STATE, sort: state.sort, dir: state.dir, size: state.size })} disabled={!hasAuditFilters(state)} data-testid="audit-reset">
          Reset
        </button>
        {/* A plain link: the browser downloads the CSV streamed by the route handler, with the session cookie. */}
        <a className="button" href={exportHref} download data-testid="audit-export">
          Export CSV
        </a>
      </div>
    </form>
  );
}

function actorLabel(entry: Entry): string {
  if (entry.actor.email) return entry.actor.email;
  if (entry.actor.type === 'system') return 'system';
  if (entry.actor.type === 'anonymous') return 'anonymous';
  return entry.actor.id ?? entry.actor.type;
}

function EntryRow({ entry, expanded, onToggle }: { entry: Entry; expanded: boolean; onToggle: () => void }) {
  const details = entry.details ? Object.entries(entry.details) : [];
  return (
    <Fragment>
      <tr data-testid="audit-row" data-seq={entry.seq} data-action={entry.action} data-outcome={entry.outcome}>
        <td className="ui-num ui-mono">{entry.seq}</td>
        <td className="ui-nowrap ui-mono" title={entry.at}>
          {formatDateTime(entry.at, { seconds: true })}
        </td>
        <td>
          <span className="ui-nowrap">{actorLabel(entry)}</span>
          {entry.actor.type !== 'user' && actorLabel(entry) !== entry.actor.type ? <span className="ui-sub">{entry.actor.type}</span> : null}
        </td>
        <td className="ui-mono ui-nowrap" data-testid="audit-action-cell">
          {entry.action}
        </td>
        <td>
          {entry.target ? (
            <>
              {entry.target.label ?? entry.target.id ?? '—'}
              <span className="ui-sub">{entry.target.type}</span>
            </>
          ) : (
            <span className="ui-muted">—</span>
          )}
        </td>
        <td className="ui-mono ui-nowrap">{entry.ip ?? '—'}</td>
        <td>
          {entry.outcome === 'success' ? <Badge tone="ok">success</Badge> : <Badge tone="danger">failure</Badge>}
          {entry.reason ? <span className="ui-sub">{entry.reason}</span> : null}
        </td>
        <td className="ui-actions">
          <button type="button" className="button ui-small-button" onClick={onToggle} aria-expanded={expanded} aria-label={`Details of entry ${entry.seq}`} data-testid="audit-row-toggle">
            {expanded ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {expanded ? (
        <tr className="ui-detail-row" data-testid="audit-row-details">
          <td />
          <td colSpan={7}>
            <dl className="ui-facts">
              {details.map(([key, value]) => (
                <Fragment key={key}>
                  <dt>{key}</dt>
                  <dd className="ui-mono">{value === null ? '—' : String(value)}</dd>
                </Fragment>
              ))}
              <dt>Business unit</dt>
              <dd className="ui-mono">{entry.businessUnitId}</dd>
              <dt>Hash</dt>
              <dd className="ui-hash">{entry.hash}</dd>
              <dt>Previous hash</dt>
              <dd className="ui-hash">{entry.prevHash}</dd>
            </dl>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

const DEFAULT_DIRECTION: Record<AuditSort, SortDirection> = { seq: 'desc', at: 'desc', action: 'asc', actor: 'asc', outcome: 'asc', targetType: 'asc' };

/** The audit log of the reader's business units: filtered, sorted and paged on the server; read-only. */
export function AuditView(props: { initialState: AuditViewState; initialData: AuditPage | null; initialError: { code: string; message: string } | null }) {
  const searchParams = useSearchParams();
  const state = useMemo(() => parseAuditState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const stateKey = auditStateToQuery(state);
  const isInitial = stateKey === auditStateToQuery(props.initialState);
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.audit.list.queryOptions(auditStateToInput(state)),
    initialData: isInitial && props.initialData ? props.initialData : undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const [expanded, setExpanded] = useState<number | null>(null);
  const data = query.data;
  const error = query.error ? toUiError(query.error) : !data && isInitial ? props.initialError : null;
  const sort = { by: state.sort, dir: state.dir };
  const onSort = (next: { by: AuditSort; dir: SortDirection }) => navigate({ ...state, sort: next.by, dir: next.dir, page: 1 });
  const header = (label: string, by: AuditSort) => <SortHeader label={label} sort={by} current={sort} defaultDir={DEFAULT_DIRECTION[by]} onSort={onSort} testIdPrefix="audit" />;

  return (
    <div className="ui-page" data-testid="audit">
      <FilterForm key={stateKey} state={state} />
      <section className="card ui-card" aria-labelledby="audit-title" aria-busy={query.isFetching} data-testid="audit-results">
        <header className="ui-card-header">
          <h2 id="audit-title">
            <span data-testid="audit-total">{data ? formatCount(data.total) : '—'}</span> {data?.total === 1 ? 'entry' : 'entries'}
          </h2>
          <p className="ui-card-note">
            Append-only and hash-chained: each entry carries the hash of the one before. <code>vigil audit verify</code> checks the chain.
          </p>
          <LoadingNote fetching={query.isFetching} />
        </header>
        <ErrorAlert error={error} title="The audit log could not be read." testId="audit-error" />
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="audit-table">
            <caption className="ui-sr-only">Audit log entries; column headers with buttons sort the table.</caption>
            <thead>
              <tr>
                {header('#', 'seq')}
                {header('Time', 'at')}
                {header('Actor', 'actor')}
                {header('Action', 'action')}
                {header('Target', 'targetType')}
                <th scope="col">Address</th>
                {header('Outcome', 'outcome')}
                <th scope="col" className="ui-actions">
                  <span className="ui-sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
              {data?.items.map((entry) => (
                <EntryRow key={entry.id} entry={entry} expanded={expanded === entry.seq} onToggle={() => setExpanded(expanded === entry.seq ? null : entry.seq)} />
              ))}
            </tbody>
          </table>
          {data && data.items.length === 0 ? (
            <div className="ui-empty" data-testid="audit-empty">
              <strong>No entries match.</strong>
              <span>{hasAuditFilters(state) ? 'Widen the filters, or reset them.' : 'Nothing has been recorded in your business units yet.'}</span>
            </div>
          ) : null}
        </div>
        {data ? (
          <StatePager state={state} navigate={navigate} total={data.total} sizes={AUDIT_PAGE_SIZES} testIdPrefix="audit" />
        ) : null}
      </section>
    </div>
  );
}
