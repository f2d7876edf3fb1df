import type { RouterInputs } from '../../_trpc/types';

/**
 * The tickets list as the URL holds it, so a view can be bookmarked and shared:
 * `/tickets?status=open&assignee=<user id>&asset=<asset id>&overdue=true&sort=dueAt&dir=asc&page=2`.
 */
export interface TicketsViewState {
  status: '' | (typeof TICKET_VIEW_STATUSES)[number];
  assignee: string;
  asset: string;
  overdue: '' | 'true';
  sort: TicketViewSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export const TICKET_VIEW_STATUSES = ['open', 'in-progress', 'reopened', 'resolved', 'closed'] as const;
export const TICKET_VIEW_SORTS = ['updatedAt', 'createdAt', 'dueAt', 'status', 'title'] as const;
export type TicketViewSort = (typeof TICKET_VIEW_SORTS)[number];
export const TICKET_PAGE_SIZES = [25, 50, 100, 200] as const;

/** Latest first for times, except the nearest due date; names in order. */
export const DEFAULT_TICKET_DIRECTION: Record<TicketViewSort, 'asc' | 'desc'> = { updatedAt: 'desc', createdAt: 'desc', dueAt: 'asc', status: 'asc', title: 'asc' };

export const DEFAULT_TICKETS_STATE: TicketsViewState = { status: '', assignee: '', asset: '', overdue: '', sort: 'updatedAt', dir: 'desc', page: 1, size: 50 };

export const TICKET_FILTER_KEYS = ['status', 'assignee', 'asset', 'overdue'] as const;

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getParam(params: ParamSource, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

const oneOf = <T extends string>(values: readonly T[], raw: string): T | '' => ((values as readonly string[]).includes(raw) ? (raw as T) : '');
/** An id as the server names users and assets (ObjectId, UUID or slug); anything else is dropped. */
const id = (raw: string, max: number) => (new RegExp(`^[\\w.:-]{1,${max}}$`).test(raw) ? raw : '');

/** Reads the state from URL parameters; anything invalid falls back to its default (links are typed by people). */
export function parseTicketsState(params: ParamSource): TicketsViewState {
  const sort = oneOf(TICKET_VIEW_SORTS, getParam(params, 'sort')) || DEFAULT_TICKETS_STATE.sort;
  const dir = getParam(params, 'dir');
  const page = Number.parseInt(getParam(params, 'page'), 10);
  const size = Number.parseInt(getParam(params, 'size'), 10);
  return {
    status: oneOf(TICKET_VIEW_STATUSES, getParam(params, 'status')),
    assignee: id(getParam(params, 'assignee'), 64),
    asset: id(getParam(params, 'asset'), 100),
    overdue: getParam(params, 'overdue') === 'true' ? 'true' : '',
    sort,
    dir: dir === 'asc' || dir === 'desc' ? dir : DEFAULT_TICKET_DIRECTION[sort],
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    size: (TICKET_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_TICKETS_STATE.size,
  };
}

/** The URL query of a state; defaults are left out so links stay short. */
export function ticketsStateToQuery(state: TicketsViewState): string {
  const params = new URLSearchParams();
  for (const key of TICKET_FILTER_KEYS) if (state[key] !== '') params.set(key, state[key]);
  if (state.sort !== DEFAULT_TICKETS_STATE.sort || state.dir !== DEFAULT_TICKET_DIRECTION[state.sort]) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  if (state.page !== 1) params.set('page', String(state.page));
  if (state.size !== DEFAULT_TICKETS_STATE.size) params.set('size', String(state.size));
  return params.toString();
}

export const hasTicketFilters = (state: TicketsViewState) => TICKET_FILTER_KEYS.some((key) => state[key] !== '');

type TicketsListInput = Exclude<RouterInputs['tickets']['list'], undefined>;

export function ticketsStateToInput(state: TicketsViewState): TicketsListInput {
  return {
    status: state.status || undefined,
    assigneeId: state.assignee || undefined,
    assetId: state.asset || undefined,
    overdue: state.overdue || undefined,
    page: state.page,
    pageSize: state.size,
    sortBy: state.sort,
    sortDirection: state.dir,
  };
}
