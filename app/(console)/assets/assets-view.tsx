'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useMemo, type FormEvent } from 'react';
import { Badge } from '../../_components/ui/badges';
import { ErrorAlert } from '../../_components/ui/error-alert';
import { toUiError } from '../../_components/ui/errors';
import { formatCount, formatDateTime, formatRelative } from '../../_components/ui/format';
import { StatePager, SortHeader, type SortDirection } from '../../_components/ui/table';
import { useTRPC } from '../../_trpc/client';
import type { RouterOutputs } from '../../_trpc/types';
import { OpenFindingCounts } from './_components/open-findings';
import { ASSET_PAGE_SIZES, DEFAULT_ASSET_DIRECTION, DEFAULT_ASSETS_STATE, assetsStateToInput, assetsStateToQuery, parseAssetsState, type AssetSort, type AssetsViewState } from './assets-state';
import { LoadingNote } from '../../_components/ui/hydration';

type AssetsPage = RouterOutputs['assets']['list'];
type Asset = AssetsPage['items'][number];

/** The URL is the state: a new filter is a new history entry, so Back returns to the previous view. */
function navigate(state: AssetsViewState) {
  const query = assetsStateToQuery(state);
  window.history.pushState(null, '', query ? `/assets?${query}` : '/assets');
}

function osLabel(asset: Asset): string | null {
  if (!asset.os) return null;
  return [asset.os.name, asset.os.version, asset.os.codename ? `(${asset.os.codename})` : ''].filter(Boolean).join(' ');
}

/** The assets of the reader's business units: filtered, sorted and paged on the server. */
export function AssetsView(props: { initialState: AssetsViewState; initialData: AssetsPage | null; initialError: { code: string; message: string } | null; now: number }) {
  const searchParams = useSearchParams();
  const state = useMemo(() => parseAssetsState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const stateKey = assetsStateToQuery(state);
  const isInitial = stateKey === assetsStateToQuery(props.initialState);
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.assets.list.queryOptions(assetsStateToInput(state)),
    initialData: isInitial && props.initialData ? props.initialData : undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const data = query.data;
  const error = query.error ? toUiError(query.error) : !data && isInitial ? props.initialError : null;
  const sort = { by: state.sort, dir: state.dir };
  const onSort = (next: { by: AssetSort; dir: SortDirection }) => navigate({ ...state, sort: next.by, dir: next.dir, page: 1 });
  const header = (label: string, by: AssetSort, className?: string) => (
    <SortHeader label={label} sort={by} current={sort} defaultDir={DEFAULT_ASSET_DIRECTION[by]} onSort={onSort} className={className} testIdPrefix="assets" />
  );
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get('q') ?? '');
    const next = parseAssetsState(new URLSearchParams({ q, sort: state.sort, dir: state.dir, size: String(state.size) }));
    if (assetsStateToQuery(next) !== stateKey) navigate(next);
  };

  return (
    <>
      <form key={stateKey} className="card ui-filters" role="search" aria-label="Filter assets" onSubmit={onSearch} data-testid="assets-filters">
        <div className="ui-field ui-field-grow">
          <label htmlFor="assets-q">Search</label>
          <input id="assets-q" name="q" type="search" className="ui-input" defaultValue={state.q} placeholder="Part of a name, host name or address" autoComplete="off" spellCheck={false} data-testid="assets-search" />
        </div>
        <div className="ui-form-actions">
          <button type="submit" className="button ui-primary" data-testid="assets-apply">
            Search
          </button>
          <button type="button" className="button" onClick={() => navigate({ ...DEFAULT_ASSETS_STATE, sort: state.sort, dir: state.dir, size: state.size })} disabled={!state.q} data-testid="assets-reset">
            Reset
          </button>
        </div>
      </form>
      <section className="card ui-card" aria-labelledby="assets-title" aria-busy={query.isFetching} data-testid="assets-results">
        <header className="ui-card-header">
          <h2 id="assets-title">
            <span data-testid="assets-total">{data ? formatCount(data.total) : '—'}</span> {data?.total === 1 ? 'asset' : 'assets'}
          </h2>
          <p className="ui-card-note">Hosts the scans found in your business units, with their open findings per severity.</p>
          <LoadingNote fetching={query.isFetching} />
        </header>
        <ErrorAlert error={error} title="The assets could not be read." testId="assets-error" />
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="assets-table">
            <caption className="ui-sr-only">Assets; column headers with buttons sort the table.</caption>
            <thead>
              <tr>
                {header('Asset', 'name')}
                <th scope="col">Addresses</th>
                <th scope="col">Operating system</th>
                {header('Open findings', 'findings')}
                <th scope="col" className="ui-num">
                  Services
                </th>
                <th scope="col" className="ui-num">
                  Packages
                </th>
                {header('Last seen', 'lastSeenAt')}
                {header('First seen', 'firstSeenAt')}
              </tr>
            </thead>
            <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
              {data?.items.map((asset) => (
                <tr key={asset.id} data-testid="asset-row" data-id={asset.id} data-name={asset.name}>
                  <th scope="row">
                    <Link href={`/assets/${asset.id}`} data-testid="asset-link">
                      {asset.name}
                    </Link>
                    {asset.hostKeyAlert ? (
                      <Badge tone="danger" title="The SSH host key changed since the last scan" testId="asset-hostkey-alert">
                        host key changed
                      </Badge>
                    ) : null}
                    {asset.hostnames.length > 0 && asset.hostnames.join(', ') !== asset.name ? <span className="ui-sub">{asset.hostnames.join(', ')}</span> : null}
                  </th>
                  <td className="ui-mono">{asset.addresses.join(', ') || '—'}</td>
                  <td>{osLabel(asset) ?? <span className="ui-muted">unknown</span>}</td>
                  <td>
                    <OpenFindingCounts counts={asset.openFindings} />
                  </td>
                  <td className="ui-num">{formatCount(asset.serviceCount)}</td>
                  <td className="ui-num">{formatCount(asset.packageCount)}</td>
                  <td className="ui-nowrap" title={formatDateTime(asset.lastSeenAt)}>
                    {formatRelative(asset.lastSeenAt, props.now)}
                  </td>
                  <td className="ui-nowrap">{formatDateTime(asset.firstSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data && data.items.length === 0 ? (
            <div className="ui-empty" data-testid="assets-empty">
              <strong>No assets {state.q ? 'match' : 'yet'}.</strong>
              <span>{state.q ? 'Change the search, or reset it.' : 'Run a scan: every host that answers becomes an asset.'}</span>
            </div>
          ) : null}
        </div>
        {data ? (
          <StatePager state={state} navigate={navigate} total={data.total} sizes={ASSET_PAGE_SIZES} testIdPrefix="assets" />
        ) : null}
      </section>
    </>
  );
}
