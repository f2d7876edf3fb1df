import type { RouterInputs } from '../../_trpc/types';

/**
 * The audit log view as the URL holds it, so a filtered view can be bookmarked, shared and exported:
 * `/audit?action=auth&actor=ada&outcome=failure&from=2026-11-01&to=2026-11-30&sort=at&dir=asc&page=2`.
 * Dates are whole days in UTC, both inclusive.
 */
export interface AuditViewState {
  action: string;
  actor: string;
  outcome: '' | 'success' | 'failure';
  from: string;
  to: string;
  sort: AuditSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export const AUDIT_VIEW_SORTS = ['seq', 'at', 'action', 'actor', 'outcome', 'targetType'] as const;
export type AuditSort = (typeof AUDIT_VIEW_SORTS)[number];

export const AUDIT_PAGE_SIZES = [25, 50, 100, 200] as const;

export const DEFAULT_AUDIT_STATE: AuditViewState = { action: '', actor: '', outcome: '', from: '', to: '', sort: 'seq', dir: 'desc', page: 1, size: 50 };

/** Actions and areas offered as suggestions in the action filter (an area matches all its actions). */
export const AUDIT_ACTION_SUGGESTIONS = [
  'auth',
  'auth.login',
  'auth.logout',
  'auth.totp',
  'auth.recovery_code',
  'auth.reauthenticate',
  'auth.session_rejected',
  'auth.token_rejected',
  'account',
  'mfa',
  'session',
  'token',
  'user',
  'unit',
  'credential',
  'sso',
  'settings',
  'kb',
] as const;

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getParam(params: ParamSource, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const day = (raw: string) => (DAY.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) ? raw : '');

/** Reads the state from URL parameters; anything invalid falls back to its default. */
export function parseAuditState(params: ParamSource): AuditViewState {
  const sortRaw = getParam(params, 'sort');
  const sort = (AUDIT_VIEW_SORTS as readonly string[]).includes(sortRaw) ? (sortRaw as AuditSort) : DEFAULT_AUDIT_STATE.sort;
  const dirRaw = getParam(params, 'dir');
  const outcome = getParam(params, 'outcome');
  const page = Number.parseInt(getParam(params, 'page'), 10);
  const size = Number.parseInt(getParam(params, 'size'), 10);
  let from = day(getParam(params, 'from'));
  let to = day(getParam(params, 'to'));
  if (from && to && from > to) [from, to] = [to, from];
  return {
    action: getParam(params, 'action').slice(0, 100),
    actor: getParam(params, 'actor').slice(0, 254),
    outcome: outcome === 'success' || outcome === 'failure' ? outcome : '',
    from,
    to,
    sort,
    dir: dirRaw === 'asc' || dirRaw === 'desc' ? dirRaw : sort === 'seq' || sort === 'at' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    size: (AUDIT_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_AUDIT_STATE.size,
  };
}

/** Filter parameters only: what the CSV export takes. */
export function auditFilterQuery(state: AuditViewState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.action) params.set('action', state.action);
  if (state.actor) params.set('actor', state.actor);
  if (state.outcome) params.set('outcome', state.outcome);
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  return params;
}

/** The URL query of a state; defaults are left out so links stay short. */
export function auditStateToQuery(state: AuditViewState): string {
  const params = auditFilterQuery(state);
  if (state.sort !== DEFAULT_AUDIT_STATE.sort || state.dir !== DEFAULT_AUDIT_STATE.dir) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  if (state.page !== 1) params.set('page', String(state.page));
  if (state.size !== DEFAULT_AUDIT_STATE.size) params.set('size', String(state.size));
  return params.toString();
}

type AuditListInput = Exclude<RouterInputs['audit']['list'], undefined>;

/** The filter of the service: `to` is inclusive, so it reaches the end of that day (UTC). */
export function auditFilterInput(state: Pick<AuditViewState, 'action' | 'actor' | 'outcome' | 'from' | 'to'>) {
  return {
    action: state.action || undefined,
    actorEmail: state.actor || undefined,
    outcome: state.outcome || undefined,
    from: state.from ? `${state.from}T00:00:00.000Z` : undefined,
    to: state.to ? `${state.to}T23:59:59.999Z` : undefined,
  };
}

/** The tRPC input of a state. */
export function auditStateToInput(state: AuditViewState): AuditListInput {
  return { ...auditFilterInput(state), page: state.page, pageSize: state.size, sortBy: state.sort, sortDirection: state.dir };
}

export function hasAuditFilters(state: AuditViewState): boolean {
  return Boolean(state.action || state.actor || state.outcome || state.from || state.to);
}
