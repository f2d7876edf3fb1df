'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, type FormEvent, type RefObject } from 'react';
import { StatePager, SortHeader } from '../../../_components/ui/table';
import { useTRPC } from '../../../_trpc/client';
import { KevBadge, SeverityChip } from './kb-badges';
import { ECOSYSTEMS, ECOSYSTEM_LABEL, SEVERITIES, SEVERITY_LABEL, formatCount, formatDay, formatEpss, formatPercentile, kbHref } from './kb-format';
import {
  DEFAULT_DIRECTION,
  DEFAULT_STATE,
  PAGE_SIZES,
  hasFilters,
  parseSearchState,
  searchStateToInput,
  searchStateToQuery,
  type KbSearchState,
} from './kb-search-state';
import type { KbError, KbListItem, KbSearchResult, KbSeverity, KbSort } from './kb-types';
import { LoadingNote } from '../../../_components/ui/hydration';

/** The URL is the state: a new search is a new history entry, so Back returns to the previous view. */
function navigate(state: KbSearchState) {
  const query = searchStateToQuery(state);
  window.history.pushState(null, '', query ? `/kb?${query}` : '/kb');
}

function readNumber(form: FormData, name: string): number | null {
  const raw = String(form.get(name) ?? '').trim();
  if (raw === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : null;
}

function FilterForm({ state, focusRef }: { state: KbSearchState; focusRef: RefObject<string | null> }) {
  // The form remounts with each new URL: give the focus back to the control that applied it.
  useEffect(() => {
    if (focusRef.current) document.getElementById(focusRef.current)?.focus();
    focusRef.current = null;
  }, [focusRef]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const active = document.activeElement;
    focusRef.current = active instanceof HTMLElement && active.id && event.currentTarget.contains(active) ? active.id : null;
    const form = new FormData(event.currentTarget);
    let epssMin = readNumber(form, 'epssMin');
    let epssMax = readNumber(form, 'epssMax');
    if (epssMin !== null && epssMax !== null && epssMin > epssMax) [epssMin, epssMax] = [epssMax, epssMin];
    let from = String(form.get('from') ?? '');
    let to = String(form.get('to') ?? '');
    if (from && to && from > to) [from, to] = [to, from];
    const eco = String(form.get('eco') ?? '');
    const next: KbSearchState = {
      ...state,
      q: String(form.get('q') ?? '')
        .trim()
        .slice(0, 200),
      severity: SEVERITIES.filter((s) => form.getAll('severity').includes(s)),
      kev: form.get('kev') === 'on',
      epssMin,
      epssMax,
      from,
      to,
      eco: (ECOSYSTEMS as string[]).includes(eco) ? (eco as KbSearchState['eco']) : '',
      page: 1,
    };
    // Nothing changed: no new history entry, and the form stays mounted (and focused) as it is.
    if (searchStateToQuery(next) === searchStateToQuery(state)) {
      focusRef.current = null;
      return;
    }
    navigate(next);
  };
  // Choices apply at once; typed values apply on Enter or with the Search button.
  const applyNow = (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

  return (
    <form className="card kb-filters" role="search" aria-label="Search the KnowledgeBase" onSubmit={onSubmit} data-testid="kb-filters">
      <div className="kb-filter-row">
        <div className="kb-field kb-field-query">
          <label htmlFor="kb-q">Search</label>
          <div className="kb-query-box">
            <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" focusable="false">
              <circle cx="11" cy="11" r="6.5" />
              <path d="m16 16 4.5 4.5" strokeLinecap="round" />
            </svg>
            <input
              id="kb-q"
              name="q"
              type="search"
              defaultValue={state.q}
              maxLength={200}
              placeholder="CVE, VGL, GHSA, DSA or USN id — or a package / product name (openssl, log4j-core)"
              autoComplete="off"
              spellCheck={false}
              data-testid="kb-query"
            />
          </div>
        </div>
        <div className="kb-field">
          <label htmlFor="kb-eco">Ecosystem</label>
          <select id="kb-eco" name="eco" defaultValue={state.eco} onChange={applyNow} data-testid="kb-ecosystem">
            <option value="">All ecosystems</option>
            {ECOSYSTEMS.map((eco) => (
              <option key={eco} value={eco}>
                {ECOSYSTEM_LABEL[eco]}
              </option>
            ))}
          </select>
        </div>
        <div className="kb-filter-actions">
          <button id="kb-submit" type="submit" className="button ui-primary" data-testid="kb-search-submit">
            Search
          </button>
          <button
            type="button"
            className="button"
            onClick={() => navigate({ ...DEFAULT_STATE, sort: state.sort, dir: state.dir, size: state.size })}
            disabled={!hasFilters(state)}
            data-testid="kb-reset"
          >
            Reset
          </button>
        </div>
      </div>
      <div className="kb-filter-row">
        <fieldset className="kb-field kb-severity-filter">
          <legend>Severity</legend>
          <div className="kb-checks">
            {SEVERITIES.map((severity) => (
              <label key={severity} className={`kb-check kb-check-${severity}`}>
                <input
                  id={`kb-severity-${severity}`}
                  type="checkbox"
                  name="severity"
                  value={severity}
                  defaultChecked={state.severity.includes(severity)}
                  onChange={applyNow}
                  data-testid={`kb-severity-${severity}`}
                />
                <span className={`kb-sev-dot kb-sev-${severity}`} aria-hidden="true" />
                {SEVERITY_LABEL[severity]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="kb-field">
          <legend>Exploited</legend>
          <label className="kb-check">
            <input id="kb-kev" type="checkbox" name="kev" defaultChecked={state.kev} onChange={applyNow} data-testid="kb-kev-only" />
            CISA KEV only
          </label>
        </fieldset>
        <fieldset className="kb-field">
          <legend>EPSS probability (%)</legend>
          <div className="kb-range">
            <input
              id="kb-epss-min"
              name="epssMin"
              type="number"
              min={0}
              max={100}
              step="any"
              inputMode="decimal"
              placeholder="0"
              defaultValue={state.epssMin ?? ''}
              aria-label="EPSS minimum, percent"
              data-testid="kb-epss-min"
            />
            <span aria-hidden="true">–</span>
            <input
              id="kb-epss-max"
              name="epssMax"
              type="number"
              min={0}
              max={100}
              step="any"
              inputMode="decimal"
              placeholder="100"
              defaultValue={state.epssMax ?? ''}
              aria-label="EPSS maximum, percent"
              data-testid="kb-epss-max"
            />
          </div>
        </fieldset>
        <fieldset className="kb-field">
          <legend>Published</legend>
          <div className="kb-range">
            <input id="kb-from" name="from" type="date" defaultValue={state.from} max="9999-12-31" aria-label="Published from" data-testid="kb-published-from" />
            <span aria-hidden="true">–</span>
            <input id="kb-to" name="to" type="date" defaultValue={state.to} max="9999-12-31" aria-label="Published to" data-testid="kb-published-to" />
          </div>
        </fieldset>
      </div>
    </form>
  );
}

const COLUMNS: { id: string; label: string; sort?: KbSort; className?: string }[] = [
  { id: 'vgl', label: 'Vigil ID', sort: 'vgl', className: 'kb-col-vgl' },
  { id: 'id', label: 'CVE / advisory', sort: 'id', className: 'kb-col-id' },
  { id: 'title', label: 'Title', className: 'kb-col-title' },
  { id: 'severity', label: 'Severity · CVSS', sort: 'cvss', className: 'kb-col-sev' },
  { id: 'epss', label: 'EPSS', sort: 'epss', className: 'kb-col-epss' },
  { id: 'kev', label: 'KEV', sort: 'kev', className: 'kb-col-kev' },
  { id: 'published', label: 'Published', sort: 'published', className: 'kb-col-date' },
];

function HeaderCell({ column, state }: { column: (typeof COLUMNS)[number]; state: KbSearchState }) {
  if (!column.sort) {
    return (
      <th scope="col" className={column.className}>
        {column.label}
      </th>
    );
  }
  return (
    <SortHeader
      label={column.label}
      sort={column.sort}
      current={{ by: state.sort, dir: state.dir }}
      defaultDir={DEFAULT_DIRECTION[column.sort]}
      onSort={({ by, dir }) => navigate({ ...state, sort: by, dir, page: 1 })}
      className={column.className}
      testIdPrefix="kb"
    />
  );
}

function EpssCell({ item }: { item: KbListItem }) {
  if (item.epssScore === null) return <span className="ui-muted">—</span>;
  const width = Math.max(2, Math.round(item.epssScore * 100));
  return (
    <span className="kb-epss" title={`EPSS ${formatEpss(item.epssScore)} probability of exploitation in the next 30 days, ${formatPercentile(item.epssPercentile)} percentile`}>
      <span className="kb-epss-value">{formatEpss(item.epssScore)}</span>
      <span className="kb-epss-bar" aria-hidden="true">
        <span style={{ width: `${width}%` }} />
      </span>
      <span className="kb-epss-pct">{formatPercentile(item.epssPercentile)}</span>
    </span>
  );
}

/** Rows link without prefetching: a page of 100 results must not cost 200 server renders. */
function ResultRow({ item }: { item: KbListItem }) {
  const href = kbHref(item.id);
  return (
    <tr className={item.rejected ? 'is-rejected' : undefined} data-testid="kb-row" data-id={item.id}>
      <td className="kb-col-vgl">
        <Link href={href} prefetch={false} className="ui-mono" data-testid="kb-row-vgl">
          {item.vglId}
        </Link>
      </td>
      <td className="kb-col-id">
        <Link href={href} prefetch={false} className="kb-id-link" data-testid="kb-row-id">
          {item.id}
        </Link>
        {item.aliases.length > 0 ? (
          <span className="kb-aliases" title={item.aliases.join(', ')}>
            {item.aliases.slice(0, 2).join(', ')}
            {item.aliases.length > 2 ? ` +${item.aliases.length - 2}` : ''}
          </span>
        ) : null}
      </td>
      <td className="kb-col-title">
        <span className="kb-title" title={item.title}>
          {item.rejected ? <span className="kb-rejected-tag">Rejected</span> : null}
          {item.title || <span className="ui-muted">No title</span>}
        </span>
      </td>
      <td className="kb-col-sev">
        <SeverityChip severity={item.severity} score={item.cvssScore} version={item.cvssVersion} />
        {item.cvssVersion ? <span className="kb-cvss-version">v{item.cvssVersion}</span> : null}
      </td>
      <td className="kb-col-epss">
        <EpssCell item={item} />
      </td>
      <td className="kb-col-kev">
        {item.kevListed ? (
          <span className="kb-kev-cell">
            <KevBadge ransomware={item.kevRansomware} title={item.kevDueDate ? `CISA KEV, due ${item.kevDueDate}` : 'CISA KEV'} />
            {item.kevDueDate ? <span className="kb-kev-due">due {item.kevDueDate}</span> : null}
          </span>
        ) : (
          <span className="ui-muted" aria-label="Not in KEV">
            —
          </span>
        )}
      </td>
      <td className="kb-col-date ui-mono">{formatDay(item.published)}</td>
    </tr>
  );
}

function summary(state: KbSearchState): string[] {
  const parts: string[] = [];
  if (state.q) parts.push(`“${state.q}”`);
  if (state.severity.length > 0) parts.push(state.severity.map((s: KbSeverity) => SEVERITY_LABEL[s]).join(' / '));
  if (state.kev) parts.push('CISA KEV');
  if (state.epssMin !== null || state.epssMax !== null) parts.push(`EPSS ${state.epssMin ?? 0}–${state.epssMax ?? 100}%`);
  if (state.from || state.to) parts.push(`published ${state.from || '…'} – ${state.to || '…'}`);
  if (state.eco) parts.push(ECOSYSTEM_LABEL[state.eco]);
  return parts;
}

export function KbSearch(props: { initialState: KbSearchState; initialData: KbSearchResult | null; initialError: KbError | null }) {
  const searchParams = useSearchParams();
  const state = useMemo(() => parseSearchState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const stateKey = searchStateToQuery(state);
  const isInitial = stateKey === searchStateToQuery(props.initialState);
  const trpc = useTRPC();
  const focusRef = useRef<string | null>(null);
  const query = useQuery({
    ...trpc.kb.search.queryOptions(searchStateToInput(state)),
    initialData: isInitial && props.initialData ? props.initialData : undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });

  const data = query.data;
  const error: KbError | null = query.error
    ? { code: query.error.data?.appCode ?? query.error.data?.code ?? 'NETWORK', message: query.error.data ? query.error.message : `The console did not answer (${query.error.message}).` }
    : !data && isInitial
      ? props.initialError
      : null;
  const filters = summary(state);

  return (
    <div className="kb-search">
      {/* Remounts when the URL changes (Back, Reset, a shared link), so the form shows the state it filters by. */}
      <FilterForm key={stateKey} state={state} focusRef={focusRef} />

      <section className="card ui-card kb-results" aria-labelledby="kb-results-title" aria-busy={query.isFetching} data-testid="kb-results">
        <header className="ui-card-header">
          <h2 id="kb-results-title">
            <span data-testid="kb-total">{data ? formatCount(data.total) : '—'}</span> {data?.total === 1 ? 'vulnerability' : 'vulnerabilities'}
          </h2>
          {filters.length > 0 ? (
            <p className="kb-filter-summary" data-testid="kb-filter-summary">
              {filters.map((part) => (
                <span key={part} className="kb-filter-chip">
                  {part}
                </span>
              ))}
            </p>
          ) : (
            <p className="kb-filter-summary ui-muted">All records</p>
          )}
          <LoadingNote fetching={query.isFetching} />
        </header>

        {error ? (
          <div className="alert alert-error kb-alert" role="alert" data-testid="kb-search-error">
            <div className="alert-title">
              The search failed.<code className="alert-code">{error.code}</code>
            </div>
            <p className="alert-message">{error.message}</p>
          </div>
        ) : null}

        <div className="ui-table-wrap">
          <table className="ui-table kb-table" data-testid="kb-table">
            <caption className="ui-sr-only">KnowledgeBase vulnerabilities; column headers with buttons sort the table.</caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <HeaderCell key={column.id} column={column} state={state} />
                ))}
              </tr>
            </thead>
            <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
              {data?.items.map((item) => (
                <ResultRow key={item.id} item={item} />
              ))}
            </tbody>
          </table>
          {data && data.items.length === 0 ? (
            <div className="ui-empty" data-testid="kb-empty">
              <strong>No vulnerabilities match.</strong>
              <span>
                {hasFilters(state)
                  ? 'Ids match exactly (CVE-2024-6387, VGL-000123, GHSA-…); names match whole package or product names (openssl, log4j-core).'
                  : 'The KnowledgeBase is empty: import or sync the upstream sources (vigil kb sync) to fill it.'}
              </span>
            </div>
          ) : null}
        </div>
        {data ? (
          <StatePager state={state} navigate={navigate} total={data.total} sizes={PAGE_SIZES} testIdPrefix="kb" />
        ) : null}
      </section>
    </div>
  );
}
