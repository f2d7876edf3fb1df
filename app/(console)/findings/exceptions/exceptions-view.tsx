'use client';

import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { findingRef } from '../../../../server/services/findings/finding-ref';
import { Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { toUiError } from '../../../_components/ui/errors';
import { formatCount, formatDateTime } from '../../../_components/ui/format';
import { ActionsHeader, StatePager } from '../../../_components/ui/table';
import { useTRPC } from '../../../_trpc/client';
import { ExceptionActions, type ExceptionPowers } from '../_components/exception-actions';
import { EXCEPTION_KIND_LABEL, ExceptionStatusBadge, PersonAt } from '../_components/finding-labels';
import { LoadingNote } from '../../../_components/ui/hydration';

const STATUSES = ['requested', 'approved', 'rejected', 'expired', 'revoked'] as const;
type Status = (typeof STATUSES)[number];
const PAGE_SIZES = [25, 50, 100] as const;
/** How many of an exception's findings are linked in its row. */
const FINDINGS_SHOWN = 3;

/** `CVE-… · package` from a finding id (`<assetId>|<vulnId> <ecosystem> <package>`). */
function findingLabel(id: string): string {
  const [vulnId = '', , ...pkg] = id.slice(id.indexOf('|') + 1).split(' ');
  return `${vulnId} · ${pkg.join(' ')}`;
}

/** `?status=requested&page=2&size=50`: anything invalid falls back to its default. */
function parse(params: URLSearchParams): { status: Status | ''; page: number; size: number } {
  const status = params.get('status') ?? '';
  const page = Number.parseInt(params.get('page') ?? '', 10);
  const size = Number.parseInt(params.get('size') ?? '', 10);
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : '',
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : 50,
  };
}

function navigate(state: ReturnType<typeof parse>) {
  const params = new URLSearchParams();
  if (state.status) params.set('status', state.status);
  if (state.page !== 1) params.set('page', String(state.page));
  if (state.size !== 50) params.set('size', String(state.size));
  window.history.pushState(null, '', params.size > 0 ? `/findings/exceptions?${params.toString()}` : '/findings/exceptions');
}

/** Exceptions of the reader's business units, newest request first, with approve / reject / revoke. */
export function ExceptionsView({ powers }: { powers: ExceptionPowers }) {
  const searchParams = useSearchParams();
  const state = parse(new URLSearchParams(searchParams.toString()));
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({ ...trpc.exceptions.list.queryOptions({ status: state.status || undefined, page: state.page, pageSize: state.size }), placeholderData: keepPreviousData, retry: false });
  const [notice, setNotice] = useState<string | null>(null);
  const data = query.data;
  const onDone = (text: string) => {
    setNotice(text);
    void queryClient.invalidateQueries({ queryKey: trpc.exceptions.list.queryKey() });
  };

  return (
    <>
      <form className="card ui-filters" role="search" aria-label="Filter exceptions" onSubmit={(event) => event.preventDefault()} data-testid="exceptions-filters">
        <div className="ui-field">
          <label htmlFor="exceptions-status">State</label>
          <select id="exceptions-status" className="ui-select" value={state.status} onChange={(event) => navigate({ ...state, status: event.currentTarget.value as Status | '', page: 1 })} data-testid="exceptions-filter-status">
            <option value="">Any state</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <p className="ui-hint">
          Approving or rejecting needs the right to approve and is never the requester’s own decision (four eyes). Revoking ends a request or an approved exception; its open findings count again.
        </p>
      </form>
      <Notice notice={notice} testId="exceptions-notice" />
      <section className="card ui-card" aria-labelledby="exceptions-title" aria-busy={query.isFetching} data-testid="exceptions-results">
        <header className="ui-card-header">
          <h2 id="exceptions-title">
            <span data-testid="exceptions-total">{data ? formatCount(data.total) : '—'}</span> {data?.total === 1 ? 'exception' : 'exceptions'}
          </h2>
          <LoadingNote fetching={query.isFetching} />
        </header>
        <ErrorAlert error={query.error ? toUiError(query.error) : null} title="The exceptions could not be read." testId="exceptions-error" />
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="exceptions-table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">Findings</th>
                <th scope="col">Justification</th>
                <th scope="col">Requested</th>
                <th scope="col">Decided / ended</th>
                <th scope="col">Expires</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
              {data?.items.map((exception) => (
                <tr key={exception.id} data-testid="exception-row" data-id={exception.id} data-status={exception.status}>
                  <td>{EXCEPTION_KIND_LABEL[exception.kind]}</td>
                  <td>
                    <ExceptionStatusBadge status={exception.status} />
                  </td>
                  <td data-testid="exception-findings" data-count={exception.findingIds.length}>
                    {exception.findingIds.slice(0, FINDINGS_SHOWN).map((id) => (
                      <Link key={id} href={`/findings/${findingRef(id)}`} className="ui-line ui-small" data-testid="exception-finding-link">
                        {findingLabel(id)}
                      </Link>
                    ))}
                    {exception.findingIds.length > FINDINGS_SHOWN ? <span className="ui-sub">and {exception.findingIds.length - FINDINGS_SHOWN} more</span> : null}
                  </td>
                  <td className="fd-justification">{exception.justification}</td>
                  <td className="ui-nowrap">
                    <PersonAt person={exception.requestedBy} at={exception.requestedAt} />
                  </td>
                  <td className="ui-nowrap">
                    <PersonAt person={exception.endedBy ?? exception.decidedBy} at={exception.endedAt ?? exception.decidedAt} note={exception.decisionNote} />
                  </td>
                  <td className="ui-nowrap">{exception.expiresAt ? formatDateTime(exception.expiresAt).slice(0, 10) : <span className="ui-muted">until revoked</span>}</td>
                  <td className="ui-actions">
                    <ExceptionActions exception={exception} powers={powers} onDone={onDone} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data && data.items.length === 0 ? (
            <div className="ui-empty" data-testid="exceptions-empty">
              <strong>No exceptions {state.status ? `in state ${state.status}` : 'yet'}.</strong>
              <span>Request one from the findings list (select findings) or from a finding’s page.</span>
            </div>
          ) : null}
        </div>
        {data ? (
          <StatePager state={state} navigate={navigate} total={data.total} sizes={PAGE_SIZES} testIdPrefix="exceptions" />
        ) : null}
      </section>
    </>
  );
}
