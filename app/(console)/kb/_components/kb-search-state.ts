import { ECOSYSTEMS, SEVERITIES, SORTS } from './kb-format';
import type { KbEcosystem, KbSearchInput, KbSeverity, KbSort } from './kb-types';

/**
 * The KB search as the URL holds it, so a view can be bookmarked and shared:
 * `/kb?q=openssh&severity=critical,high&kev=1&epssMin=10&from=2024-01-01&sort=epss&dir=desc&page=2`.
 * EPSS bounds are percentages in the URL and the form, probabilities in the API.
 */
export interface KbSearchState {
  q: string;
  severity: KbSeverity[];
  kev: boolean;
  epssMin: number | null;
  epssMax: number | null;
  from: string;
  to: string;
  eco: KbEcosystem | '';
  sort: KbSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export const PAGE_SIZES = [25, 50, 100] as const;

export const DEFAULT_STATE: KbSearchState = {
  q: '',
  severity: [],
  kev: false,
  epssMin: null,
  epssMax: null,
  from: '',
  to: '',
  eco: '',
  sort: 'published',
  dir: 'desc',
  page: 1,
  size: 25,
};

/** The direction a column sorts in when first chosen: biggest, newest first; ids in order. */
export const DEFAULT_DIRECTION: Record<KbSort, 'asc' | 'desc'> = {
  published: 'desc',
  cvss: 'desc',
  epss: 'desc',
  kev: 'desc',
  id: 'asc',
  vgl: 'asc',
};

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getParam(params: ParamSource, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function percent(raw: string): number | null {
  if (raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 && value <= 100 ? value : null;
}

function day(raw: string): string {
  return DAY.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) ? raw : '';
}

/** Reads the state from URL parameters; anything invalid falls back to its default (links are typed by people). */
export function parseSearchState(params: ParamSource): KbSearchState {
  const severity = getParam(params, 'severity')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s): s is KbSeverity => (SEVERITIES as readonly string[]).includes(s));
  const sortRaw = getParam(params, 'sort');
  const sort = (SORTS as readonly string[]).includes(sortRaw) ? (sortRaw as KbSort) : DEFAULT_STATE.sort;
  const dirRaw = getParam(params, 'dir');
  const dir = dirRaw === 'asc' || dirRaw === 'desc' ? dirRaw : DEFAULT_DIRECTION[sort];
  const ecoRaw = getParam(params, 'eco');
  const eco = (ECOSYSTEMS as readonly string[]).includes(ecoRaw) ? (ecoRaw as KbEcosystem) : '';
  const page = Number.parseInt(getParam(params, 'page'), 10);
  const size = Number.parseInt(getParam(params, 'size'), 10);
  let epssMin = percent(getParam(params, 'epssMin'));
  let epssMax = percent(getParam(params, 'epssMax'));
  if (epssMin !== null && epssMax !== null && epssMin > epssMax) [epssMin, epssMax] = [epssMax, epssMin];
  let from = day(getParam(params, 'from'));
  let to = day(getParam(params, 'to'));
  if (from && to && from > to) [from, to] = [to, from];
  return {
    q: getParam(params, 'q').trim().slice(0, 200),
    severity: SEVERITIES.filter((s) => severity.includes(s)),
    kev: getParam(params, 'kev') === '1' || getParam(params, 'kev') === 'true',
    epssMin,
    epssMax,
    from,
    to,
    eco,
    sort,
    dir,
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_STATE.size,
  };
}

/** The URL query string of a state; defaults are left out so shared links stay short. */
export function searchStateToQuery(state: KbSearchState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.severity.length > 0) params.set('severity', state.severity.join(','));
  if (state.kev) params.set('kev', '1');
  if (state.epssMin !== null) params.set('epssMin', String(state.epssMin));
  if (state.epssMax !== null) params.set('epssMax', String(state.epssMax));
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.eco) params.set('eco', state.eco);
  if (state.sort !== DEFAULT_STATE.sort || state.dir !== DEFAULT_DIRECTION[state.sort]) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  if (state.page !== 1) params.set('page', String(state.page));
  if (state.size !== DEFAULT_STATE.size) params.set('size', String(state.size));
  return params.toString();
}

const toProbability = (value: number | null) => (value === null ? undefined : Math.round(value * 1000) / 100_000);

/** The tRPC input of a state. */
export function searchStateToInput(state: KbSearchState): KbSearchInput {
  return {
    query: state.q || undefined,
    severity: state.severity.length > 0 ? state.severity : undefined,
    kev: state.kev ? true : undefined,
    epssMin: toProbability(state.epssMin),
    epssMax: toProbability(state.epssMax),
    publishedFrom: state.from || undefined,
    publishedTo: state.to || undefined,
    ecosystem: state.eco || undefined,
    sort: state.sort,
    direction: state.dir,
    page: state.page,
    pageSize: state.size,
  };
}

/** Whether any filter narrows the result (sorting and paging aside). */
export function hasFilters(state: KbSearchState): boolean {
  return Boolean(state.q || state.severity.length > 0 || state.kev || state.epssMin !== null || state.epssMax !== null || state.from || state.to || state.eco);
}
