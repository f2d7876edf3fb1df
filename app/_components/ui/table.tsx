'use client';

/** Sorting and paging controls shared by the console's tables. */

export type SortDirection = 'asc' | 'desc';

function SortIcon({ direction }: { direction: SortDirection | null }) {
  return (
    <svg className="ui-sort-icon" viewBox="0 0 10 12" width="8" height="10" aria-hidden="true" focusable="false">
      <path d="M5 1 9 5H1z" className={direction === 'asc' ? 'is-on' : ''} />
      <path d="M5 11 1 7h8z" className={direction === 'desc' ? 'is-on' : ''} />
    </svg>
  );
}

/** The header of a row-actions column: named for screen readers, empty on screen. */
export function ActionsHeader() {
  return (
    <th scope="col" className="ui-actions">
      <span className="ui-sr-only">Actions</span>
    </th>
  );
}

/** A column header that sorts; `aria-sort` tells assistive technology the current order. */
export function SortHeader<S extends string>(props: {
  label: string;
  sort: S;
  current: { by: S; dir: SortDirection };
  defaultDir?: SortDirection;
  onSort: (sort: { by: S; dir: SortDirection }) => void;
  className?: string;
  testIdPrefix: string;
}) {
  const active = props.current.by === props.sort;
  const next: SortDirection = active ? (props.current.dir === 'asc' ? 'desc' : 'asc') : (props.defaultDir ?? 'asc');
  return (
    <th scope="col" className={props.className} aria-sort={active ? (props.current.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className={active ? 'ui-sort is-active' : 'ui-sort'}
        onClick={() => props.onSort({ by: props.sort, dir: next })}
        title={`Sort by ${props.label} (${next === 'asc' ? 'ascending' : 'descending'})`}
        data-testid={`${props.testIdPrefix}-sort-${props.sort}`}
      >
        {props.label}
        <SortIcon direction={active ? props.current.dir : null} />
      </button>
    </th>
  );
}

export const PAGE_SIZES = [25, 50, 100] as const;

const count = (value: number) => value.toLocaleString('en-US');

/** "1–25 of 312", rows per page, first / previous / next / last. */
export function Pager(props: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
  sizes?: readonly number[];
  testIdPrefix: string;
}) {
  const { page, pageSize, total, testIdPrefix: prefix } = props;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const button = (label: string, text: string, target: number, disabled: boolean, testId: string) => (
    <button type="button" className="button ui-page-button" aria-label={label} title={label} disabled={disabled} onClick={() => props.onPage(target)} data-testid={`${prefix}-${testId}`}>
      {text}
    </button>
  );
  return (
    <div className="ui-pager" data-testid={`${prefix}-pager`}>
      <span className="ui-pager-range" data-testid={`${prefix}-range`} aria-live="polite">
        {first > total ? `Page ${page} is past the last result` : `${count(first)}–${count(last)} of ${count(total)}`}
      </span>
      {props.onPageSize ? (
        <label className="ui-page-size">
          Rows
          <select value={pageSize} onChange={(event) => props.onPageSize?.(Number(event.currentTarget.value))} aria-label="Rows per page" data-testid={`${prefix}-page-size`}>
            {(props.sizes ?? PAGE_SIZES).map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <nav className="ui-page-nav" aria-label="Pages">
        {button('First page', '«', 1, page <= 1, 'page-first')}
        {button('Previous page', '‹ Prev', Math.min(page - 1, pages), page <= 1, 'page-prev')}
        <span className="ui-page-of" data-testid={`${prefix}-page-of`}>
          Page {count(page)} of {count(pages)}
        </span>
        {button('Next page', 'Next ›', page + 1, page >= pages, 'page-next')}
        {button('Last page', '»', pages, page >= pages, 'page-last')}
      </nav>
    </div>
  );
}

/** The pager of a list whose page and page size live in its URL state: a new page keeps the filters, a new size starts at page 1. */
export function StatePager<S extends { page: number; size: number }>(props: { state: S; navigate: (next: S) => void; total: number; sizes?: readonly number[]; testIdPrefix: string }) {
  const { state, navigate } = props;
  return (
    <Pager
      page={state.page}
      pageSize={state.size}
      total={props.total}
      onPage={(page) => navigate({ ...state, page })}
      onPageSize={(size) => navigate({ ...state, size, page: 1 })}
      {...(props.sizes ? { sizes: props.sizes } : {})}
      testIdPrefix={props.testIdPrefix}
    />
  );
}
