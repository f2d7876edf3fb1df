import type { RouterInputs } from '../../_trpc/types';

/**
 * The findings list as the URL holds it, so a view can be bookmarked, shared and saved:
 * `/findings?severity=high&kev=true&epssMin=0.1&sla=breached&unit=emea&age=30&sort=slaDueAt&dir=asc&page=2`.
 * `status` is `open` unless the URL says otherwise (`all` lifts it); `unit` is a business unit (and those below it),
 * `age` the days since first seen the findings exceed.
 */
export interface FindingsViewState {
  status: (typeof FINDING_VIEW_STATUSES)[number];
  severity: '' | (typeof FINDING_VIEW_SEVERITIES)[number];
  kev: '' | 'true' | 'false';
  epssMin: string;
  epssMax: string;
  sla: '' | (typeof FINDING_VIEW_SLA_STATES)[number];
  exception: '' | (typeof FINDING_VIEW_EXCEPTIONS)[number];
  pkg: string;
  cve: string;
  asset: string;
  unit: string;
  age: string;
  sort: FindingViewSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export const FINDING_VIEW_STATUSES = ['open', 'all', 'new', 'active', 'reopened', 'fixed'] as const;
export const FINDING_VIEW_SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;
export const FINDING_VIEW_SLA_STATES = ['breached', 'due-soon', 'ok'] as const;
export const FINDING_VIEW_EXCEPTIONS = ['none', 'risk-accepted', 'false-positive'] as const;
export const FINDING_VIEW_SORTS = ['risk', 'severity', 'slaDueAt', 'lastSeenAt', 'firstSeenAt', 'vulnId', 'package', 'epss'] as const;
export type FindingViewSort = (typeof FINDING_VIEW_SORTS)[number];

export const FINDING_PAGE_SIZES = [25, 50, 100, 200] as const;
/** The form's choices for `age`; a link may carry any whole number of days up to ten years. */
export const FINDING_AGE_DAYS = [7, 30, 90, 180, 365] as const;
const MAX_AGE_DAYS = 3650;

/** Riskiest, most severe, most likely exploited and newest first; the nearest deadline and names in order. */
export const DEFAULT_FINDING_DIRECTION: Record<FindingViewSort, 'asc' | 'desc'> = {
  risk: 'desc',
  severity: 'desc',
  slaDueAt: 'asc',
  lastSeenAt: 'desc',
  firstSeenAt: 'desc',
  vulnId: 'asc',
  package: 'asc',
  epss: 'desc',
};

export const DEFAULT_FINDINGS_STATE: FindingsViewState = {
  status: 'open',
  severity: '',
  kev: '',
  epssMin: '',
  epssMax: '',
  sla: '',
  exception: '',
  pkg: '',
  cve: '',
  asset: '',
  unit: '',
  age: '',
  sort: 'risk',
  dir: 'desc',
  page: 1,
  size: 50,
};

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getParam(params: ParamSource, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

function oneOf<T extends string>(values: readonly T[], raw: string, fallback: T | ''): T | '' {
  return (values as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

/** A probability 0…1 as typed, or '' (the server would refuse anything else; a typed link should still open). */
function probability(raw: string): string {
  const value = Number(raw);
  return raw !== '' && Number.isFinite(value) && value >= 0 && value <= 1 ? String(value) : '';
}

/** Whole days 1…3650 as typed, or ''. */
function days(raw: string): string {
  return /^\d{1,4}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= MAX_AGE_DAYS ? String(Number(raw)) : '';
}

const text = (raw: string, max: number) => raw.replace(/\p{Cc}/gu, '').slice(0, max);

/** Reads the state from URL parameters; anything invalid falls back to its default (links are typed by people). */
export function parseFindingsState(params: ParamSource): FindingsViewState {
  const sort = oneOf(FINDING_VIEW_SORTS, getParam(params, 'sort'), DEFAULT_FINDINGS_STATE.sort) as FindingViewSort;
  const dirRaw = getParam(params, 'dir');
  const page = Number.parseInt(getParam(params, 'page'), 10);
  const size = Number.parseInt(getParam(params, 'size'), 10);
  let epssMin = probability(getParam(params, 'epssMin'));
  let epssMax = probability(getParam(params, 'epssMax'));
  if (epssMin !== '' && epssMax !== '' && Number(epssMin) > Number(epssMax)) [epssMin, epssMax] = [epssMax, epssMin];
  const cve = getParam(params, 'cve');
  return {
    status: oneOf(FINDING_VIEW_STATUSES, getParam(params, 'status'), DEFAULT_FINDINGS_STATE.status) as FindingsViewState['status'],
    severity: oneOf(FINDING_VIEW_SEVERITIES, getParam(params, 'severity'), ''),
    kev: oneOf(['true', 'false'] as const, getParam(params, 'kev'), ''),
    epssMin,
    epssMax,
    sla: oneOf(FINDING_VIEW_SLA_STATES, getParam(params, 'sla'), ''),
    exception: oneOf(FINDING_VIEW_EXCEPTIONS, getParam(params, 'exception'), ''),
    pkg: text(getParam(params, 'pkg'), 200),
    cve: /^[\w.:-]{1,64}$/.test(cve) ? cve : '',
    asset: text(getParam(params, 'asset'), 64),
    unit: text(getParam(params, 'unit'), 100),
    age: days(getParam(params, 'age')),
    sort,
    dir: dirRaw === 'asc' || dirRaw === 'desc' ? dirRaw : DEFAULT_FINDING_DIRECTION[sort],
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    size: (FINDING_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_FINDINGS_STATE.size,
  };
}

export const FINDING_FILTER_KEYS = ['status', 'severity', 'kev', 'epssMin', 'epssMax', 'sla', 'exception', 'pkg', 'cve', 'asset', 'unit', 'age'] as const;

/** The filters only, as URL parameters (the CSV export takes these, with the sort). */
export function findingsFilterQuery(state: FindingsViewState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FINDING_FILTER_KEYS) if (state[key] !== DEFAULT_FINDINGS_STATE[key]) params.set(key, String(state[key]));
  return params;
}

/** The URL query of a state; defaults are left out so links stay short. */
export function findingsStateToQuery(state: FindingsViewState): string {
  const params = findingsFilterQuery(state);
  if (state.sort !== DEFAULT_FINDINGS_STATE.sort || state.dir !== DEFAULT_FINDING_DIRECTION[state.sort]) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  if (state.page !== 1) params.set('page', String(state.page));
  if (state.size !== DEFAULT_FINDINGS_STATE.size) params.set('size', String(state.size));
  return params.toString();
}

export function hasFindingFilters(state: FindingsViewState): boolean {
  return findingsFilterQuery(state).size > 0;
}

type FindingsListInput = Exclude<RouterInputs['findings']['list'], undefined>;

/** The state as findings.list's input (the export route and findings.summary take the same). */
export function findingsStateToInput(state: FindingsViewState): FindingsListInput {
  return {
    status: state.status === 'all' ? undefined : state.status,
    severity: state.severity || undefined,
    kev: state.kev || undefined,
    epssMin: state.epssMin === '' ? undefined : Number(state.epssMin),
    epssMax: state.epssMax === '' ? undefined : Number(state.epssMax),
    slaState: state.sla || undefined,
    exception: state.exception || undefined,
    package: state.pkg || undefined,
    cve: state.cve || undefined,
    assetId: state.asset || undefined,
    businessUnitId: state.unit || undefined,
    olderThanDays: state.age === '' ? undefined : Number(state.age),
    page: state.page,
    pageSize: state.size,
    sortBy: state.sort,
    sortDirection: state.dir,
  };
}
