'use client';

import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { findingRef } from '../../../server/services/findings/finding-ref';
import { Notice } from '../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { formatCount, formatDateTime, formatDay, formatRelative } from '../../_components/ui/format';
import { StatePager, SortHeader, type SortDirection } from '../../_components/ui/table';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { KevBadge, SeverityChip } from '../kb/_components/kb-badges';
import { TicketCreateDialog } from '../tickets/_components/ticket-create-dialog';
import { SEVERITY_LABEL, formatEpss } from '../kb/_components/kb-format';
import { ExceptionRequestDialog } from './_components/exception-request-dialog';
import { EXCEPTION_STATE_LABEL, ExceptionStateBadge, FindingStatusBadge, RiskScore, SLA_LABEL, SlaBadge } from './_components/finding-labels';
import { SeverityBars } from './_components/severity-bars';
import {
  DEFAULT_FINDING_DIRECTION,
  DEFAULT_FINDINGS_STATE,
  FINDING_AGE_DAYS,
  FINDING_FILTER_KEYS,
  FINDING_PAGE_SIZES,
  FINDING_VIEW_EXCEPTIONS,
  FINDING_VIEW_SEVERITIES,
  FINDING_VIEW_SLA_STATES,
  FINDING_VIEW_STATUSES,
  findingsFilterQuery,
  findingsStateToInput,
  findingsStateToQuery,
  hasFindingFilters,
  parseFindingsState,
  type FindingViewSort,
  type FindingsViewState,
} from './findings-state';
import { SavedViews } from './saved-views';
import { LoadingNote } from '../../_components/ui/hydration';

type FindingsPage = RouterOutputs['findings']['list'];
type Finding = FindingsPage['items'][number];
type Summary = RouterOutputs['findings']['summary'];
type AssetOption = { id: string; name: string };
type UnitOption = { id: string; label: string };

/** The URL is the state: a new filter is a new history entry, so Back returns to the previous view. */
function navigate(state: FindingsViewState) {
  const query = findingsStateToQuery(state);
  window.history.pushState(null, '', query ? `/findings?${query}` : '/findings');
}

const STATUS_LABEL: Record<(typeof FINDING_VIEW_STATUSES)[number], string> = { open: 'Open (new, active, reopened)', all: 'Any status', new: 'New', active: 'Active', reopened: 'Reopened', fixed: 'Fixed' };

/** A choice for the URL's value even when the list does not hold it (a typed or shared link). */
const withCurrent = (value: string, options: readonly (readonly [string, string])[], label = value) => (value && !options.some(([option]) => option === value) ? [[value, label] as const, ...options] : options);

function FilterForm({ state, assets, units }: { state: FindingsViewState; assets: readonly AssetOption[]; units: readonly UnitOption[] }) {
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params = new URLSearchParams({ sort: state.sort, dir: state.dir, size: String(state.size) });
    for (const key of FINDING_FILTER_KEYS) params.set(key, String(form.get(key) ?? ''));
    const next = parseFindingsState(params);
    if (findingsStateToQuery(next) !== findingsStateToQuery(state)) navigate(next);
  };
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();
  const select = (name: string, label: string, value: string, options: readonly (readonly [string, string])[]) => (
    <div className="ui-field">
      <label htmlFor={`findings-${name}`}>{label}</label>
      <select id={`findings-${name}`} name={name} className="ui-select" defaultValue={value} onChange={applyNow} data-testid={`findings-filter-${name}`}>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const exportQuery = findingsFilterQuery(state);
  exportQuery.set('sort', state.sort);
  exportQuery.set('dir', state.dir);
  return (
    <form className="card ui-filters" role="search" aria-label="Filter findings" onSubmit={onSubmit} data-testid="findings-filters">
      {select('status', 'Status', state.status, FINDING_VIEW_STATUSES.map((status) => [status, STATUS_LABEL[status]] as const))}
      {select('severity', 'Severity', state.severity, [['', 'Any severity'], ...FINDING_VIEW_SEVERITIES.map((severity) => [severity, SEVERITY_LABEL[severity]] as const)])}
      {select('kev', 'CISA KEV', state.kev, [
        ['', 'Any'],
        ['true', 'Known exploited'],
        ['false', 'Not in KEV'],
      ])}
      <div className="ui-field" role="group" aria-labelledby="findings-epss-label">
        <span id="findings-epss-label" className="ui-field-label">
          EPSS (0–1)
        </span>
        <div className="ui-range">
          <input name="epssMin" type="number" min={0} max={1} step={0.01} className="ui-input fd-epss-input" defaultValue={state.epssMin} placeholder="min" aria-label="EPSS at least" data-testid="findings-filter-epssMin" />
          <span aria-hidden="true">–</span>
          <input name="epssMax" type="number" min={0} max={1} step={0.01} className="ui-input fd-epss-input" defaultValue={state.epssMax} placeholder="max" aria-label="EPSS at most" data-testid="findings-filter-epssMax" />
        </div>
      </div>
      {select('sla', 'SLA', state.sla, [['', 'Any'], ...FINDING_VIEW_SLA_STATES.map((sla) => [sla, SLA_LABEL[sla]!] as const)])}
      {select('exception', 'Exception', state.exception, [
        ['', 'Any'],
        ...FINDING_VIEW_EXCEPTIONS.map((exception) => [exception, exception === 'none' ? 'No approved exception' : EXCEPTION_STATE_LABEL[exception]!] as const),
      ])}
      {select('asset', 'Asset', state.asset, [['', 'Any asset'], ...withCurrent(state.asset, assets.map((asset) => [asset.id, asset.name] as const))])}
      {units.length > 1 || state.unit ? select('unit', 'Business unit', state.unit, [['', 'All my units'], ...withCurrent(state.unit, units.map((unit) => [unit.id, unit.label] as const))]) : null}
      {select('age', 'First seen', state.age, [['', 'Any time'], ...withCurrent(state.age, FINDING_AGE_DAYS.map((days) => [String(days), `over ${days} days ago`] as const), `over ${state.age} days ago`)])}
      <div className="ui-field">
        <label htmlFor="findings-pkg">Package</label>
        <input id="findings-pkg" name="pkg" className="ui-input" defaultValue={state.pkg} placeholder="openssl" autoComplete="off" spellCheck={false} title="Binary or source package, exactly" data-testid="findings-filter-pkg" />
      </div>
      <div className="ui-field">
        <label htmlFor="findings-cve">CVE</label>
        <input id="findings-cve" name="cve" className="ui-input" defaultValue={state.cve} placeholder="CVE-2024-1234" autoComplete="off" spellCheck={false} title="A CVE or advisory id, exactly" data-testid="findings-filter-cve" />
      </div>
      <div className="ui-form-actions">
        <button type="submit" className="button ui-primary" data-testid="findings-apply">
          Apply
        </button>
        <button type="button" className="button" onClick={() => navigate({ ...DEFAULT_FINDINGS_STATE, sort: state.sort, dir: state.dir, size: state.size })} disabled={!hasFindingFilters(state)} data-testid="findings-reset">
          Reset
        </button>
        {/* A plain link: the browser downloads the CSV streamed by the route handler, with the session cookie. */}
        <a className="button" href={`/api/findings/export?${exportQuery.toString()}`} download data-testid="findings-export">
          Export CSV
        </a>
      </div>
    </form>
  );
}

function FindingRow(props: { finding: Finding; selected: boolean; onSelect: (selected: boolean) => void; selectable: boolean; now: number }) {
  const { finding } = props;
  const href = `/findings/${findingRef(finding.id)}`;
  return (
    <tr className={finding.status === 'fixed' ? 'is-muted' : undefined} data-testid="finding-row" data-id={finding.id} data-vuln={finding.vulnId} data-package={finding.package} data-status={finding.status}>
      <td className="fd-select">
        {props.selectable ? (
          <input type="checkbox" checked={props.selected} onChange={(event) => props.onSelect(event.currentTarget.checked)} aria-label={`Select ${finding.vulnId} in ${finding.package} on ${finding.assetName}`} data-testid="finding-select" />
        ) : null}
      </td>
      <td>
        <SeverityChip severity={finding.severity} score={finding.cvss} />
      </td>
      <th scope="row" className="fd-vuln">
        <Link href={href} className="ui-mono" data-testid="finding-link">
          {finding.vulnId}
        </Link>
        {finding.kev ? <KevBadge /> : null}
        {finding.cves.some((cve) => cve !== finding.vulnId) ? <span className="ui-sub">{finding.cves.filter((cve) => cve !== finding.vulnId).join(', ')}</span> : null}
      </th>
      <td>
        <Link href={`/assets/${finding.assetId}`}>{finding.assetName || finding.assetId}</Link>
      </td>
      <td>
        {finding.package}
        {finding.port !== null ? <span className="ui-sub">port {finding.port}</span> : null}
        <span className="ui-sub ui-mono">
          {finding.installedVersion} → {finding.fixedVersion ?? 'no fix yet'}
        </span>
      </td>
      <td className="ui-num ui-mono">{finding.epss !== null ? formatEpss(finding.epss) : <span className="ui-muted">—</span>}</td>
      <td>
        <RiskScore score={finding.riskScore} bucket={finding.riskBucket} />
      </td>
      <td>
        <SlaBadge state={finding.slaState} dueAt={finding.slaDueAt} />
      </td>
      <td>
        <FindingStatusBadge status={finding.status} /> <ExceptionStateBadge state={finding.exceptionState} expiresAt={finding.exceptionExpiresAt} />
      </td>
      <td className="ui-nowrap" title={formatDateTime(finding.lastSeenAt)}>
        {formatRelative(finding.lastSeenAt, props.now)}
        <span className="ui-sub">first {formatDay(finding.firstSeenAt)}</span>
      </td>
    </tr>
  );
}

/** The findings of the reader's business units: filtered, sorted and paged on the server; bulk exception requests. */
export function FindingsView(props: {
  initialState: FindingsViewState;
  initialData: FindingsPage | null;
  initialSummary: Summary | null;
  initialError: { code: string; message: string } | null;
  assets: readonly AssetOption[];
  /** The reader's business units, for the unit filter (labelled with their paths). */
  units: readonly UnitOption[];
  userId: string;
  canTriage: boolean;
  /** May group findings into a remediation ticket (findings:remediate). */
  canRemediate: boolean;
  now: number;
}) {
  const searchParams = useSearchParams();
  const state = useMemo(() => parseFindingsState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const stateKey = findingsStateToQuery(state);
  const isInitial = stateKey === findingsStateToQuery(props.initialState);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = findingsStateToInput(state);
  const query = useQuery({ ...trpc.findings.list.queryOptions(input), initialData: isInitial && props.initialData ? props.initialData : undefined, placeholderData: keepPreviousData, retry: false });
  const summaryInput = { ...input, page: 1, sortBy: 'risk' as const, sortDirection: 'desc' as const, pageSize: 50 };
  const summary = useQuery({
    ...trpc.findings.summary.queryOptions(summaryInput),
    initialData: findingsFilterQuery(state).toString() === findingsFilterQuery(props.initialState).toString() && props.initialSummary ? props.initialSummary : undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({ key: stateKey, ids: new Set() });
  const selected = selection.key === stateKey ? selection.ids : new Set<string>();
  const [requesting, setRequesting] = useState(false);
  const [ticketing, setTicketing] = useState(false);
  const router = useRouter();
  const canAct = props.canTriage || props.canRemediate;
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const data = query.data;
  const error = query.error ? toUiError(query.error) : !data && isInitial ? props.initialError : null;
  const sort = { by: state.sort, dir: state.dir };
  const onSort = (next: { by: FindingViewSort; dir: SortDirection }) => navigate({ ...state, sort: next.by, dir: next.dir, page: 1 });
  const header = (label: string, by: FindingViewSort, className?: string) => (
    <SortHeader label={label} sort={by} current={sort} defaultDir={DEFAULT_FINDING_DIRECTION[by]} onSort={onSort} className={className} testIdPrefix="findings" />
  );
  const selectable = (finding: Finding) => canAct && finding.status !== 'fixed' && !finding.exceptionId;
  const pageSelectable = (data?.items ?? []).filter(selectable);
  const allSelected = pageSelectable.length > 0 && pageSelectable.every((finding) => selected.has(finding.id));
  const select = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) if (on) next.add(id);
    else next.delete(id);
    setSelection({ key: stateKey, ids: next });
  };
  const withoutPage = findingsStateToQuery({ ...state, page: 1 });

  return (
    <>
      <FilterForm key={stateKey} state={state} assets={props.assets} units={props.units} />
      <section className="card ui-card fd-overview" aria-labelledby="findings-dist-title" data-testid="findings-summary">
        <header className="ui-card-header">
          <h2 id="findings-dist-title">
            <span data-testid="findings-open-total">{summary.data ? formatCount(summary.data.openTotal) : '—'}</span> open {summary.data?.openTotal === 1 ? 'finding' : 'findings'} match
          </h2>
          <p className="ui-card-note">Per severity, exceptions included; a severity opens the list filtered by it.</p>
        </header>
        <div className="ui-card-body">
          {summary.data ? (
            <SeverityBars counts={summary.data.open} label="Open findings per severity" testId="findings-severity-bars" hrefOf={(severity) => `/findings?${findingsStateToQuery({ ...state, severity, page: 1 })}`} />
          ) : (
            <ErrorAlert error={summary.error ? toUiError(summary.error) : null} title="The counts could not be read." testId="findings-summary-error" />
          )}
          <SavedViews userId={props.userId} query={withoutPage} onOpen={(saved) => navigate(parseFindingsState(new URLSearchParams(saved)))} />
        </div>
      </section>
      <Notice notice={notice} testId="findings-notice" />
      <section className="card ui-card" aria-labelledby="findings-title" aria-busy={query.isFetching} data-testid="findings-results">
        <header className="ui-card-header">
          <h2 id="findings-title">
            <span data-testid="findings-total">{data ? formatCount(data.total) : '—'}</span> {data?.total === 1 ? 'finding' : 'findings'}
          </h2>
          {canAct ? (
            <div className="fd-bulk" data-testid="findings-bulk">
              <span className="ui-muted" data-testid="findings-selected" data-count={selected.size}>
                {selected.size === 0 ? 'Select open findings to act on them together.' : `${formatCount(selected.size)} selected`}
              </span>
              {props.canTriage ? (
                <button type="button" className="button ui-small-button ui-primary" disabled={selected.size === 0} onClick={() => setRequesting(true)} data-testid="findings-bulk-exception">
                  Request exception…
                </button>
              ) : null}
              {props.canRemediate ? (
                <button type="button" className="button ui-small-button ui-primary" disabled={selected.size === 0} onClick={() => setTicketing(true)} data-testid="findings-bulk-ticket">
                  Create ticket…
                </button>
              ) : null}
              {selected.size > 0 ? (
                <button type="button" className="button ui-small-button" onClick={() => setSelection({ key: stateKey, ids: new Set() })} data-testid="findings-bulk-clear">
                  Clear
                </button>
              ) : null}
            </div>
          ) : null}
          <LoadingNote fetching={query.isFetching} />
        </header>
        <ErrorAlert error={error} title="The findings could not be read." testId="findings-error" />
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="findings-table">
            <caption className="ui-sr-only">Findings; column headers with buttons sort the table.</caption>
            <thead>
              <tr>
                <th scope="col" className="fd-select">
                  {canAct ? (
                    <input type="checkbox" checked={allSelected} disabled={pageSelectable.length === 0} onChange={(event) => select(pageSelectable.map((finding) => finding.id), event.currentTarget.checked)} aria-label="Select the open findings of this page" data-testid="findings-select-page" />
                  ) : null}
                </th>
                {header('Severity', 'severity')}
                {header('Vulnerability', 'vulnId')}
                <th scope="col">Asset</th>
                {header('Package', 'package')}
                {header('EPSS', 'epss', 'ui-num')}
                {header('Risk', 'risk')}
                {header('SLA', 'slaDueAt')}
                <th scope="col">Status</th>
                {header('Last seen', 'lastSeenAt')}
              </tr>
            </thead>
            <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
              {data?.items.map((finding) => (
                <FindingRow key={finding.id} finding={finding} selectable={selectable(finding)} selected={selected.has(finding.id)} onSelect={(on) => select([finding.id], on)} now={props.now} />
              ))}
            </tbody>
          </table>
          {data && data.items.length === 0 ? (
            <div className="ui-empty" data-testid="findings-empty">
              <strong>No findings {hasFindingFilters(state) ? 'match' : 'yet'}.</strong>
              <span>{hasFindingFilters(state) ? 'Widen the filters, or reset them.' : 'Scan hosts with a credential: detection turns their packages and services into findings.'}</span>
            </div>
          ) : null}
        </div>
        {data ? (
          <StatePager state={state} navigate={navigate} total={data.total} sizes={FINDING_PAGE_SIZES} testIdPrefix="findings" />
        ) : null}
      </section>
      {requesting ? (
        <ExceptionRequestDialog
          findingIds={[...selected]}
          onClose={() => setRequesting(false)}
          onRequested={(exception) => {
            setRequesting(false);
            setSelection({ key: stateKey, ids: new Set() });
            setNotice({ ok: true, text: `Exception requested for ${exception.findingIds.length} ${exception.findingIds.length === 1 ? 'finding' : 'findings'}; it waits for an approver.` });
            void queryClient.invalidateQueries({ queryKey: trpc.findings.list.queryKey() });
          }}
        />
      ) : null}
      {ticketing ? (
        <TicketCreateDialog
          findingIds={[...selected]}
          defaultTitle={(() => {
            const picked = (data?.items ?? []).filter((finding) => selected.has(finding.id));
            const vulns = [...new Set(picked.map((finding) => finding.vulnId))];
            return vulns.length === 1 ? `Fix ${vulns[0]}` : `Fix ${formatCount(selected.size)} findings`;
          })()}
          onClose={() => setTicketing(false)}
          onCreated={(ticket) => router.push(`/tickets/${ticket.id}`)}
        />
      ) : null}
    </>
  );
}
