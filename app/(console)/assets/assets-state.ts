import type { RouterInputs } from '../../_trpc/types';

/**
 * The asset list as the URL holds it, so a view can be bookmarked and shared:
 * `/assets?q=web&sort=name&dir=asc&page=2&size=100`.
 */
export interface AssetsViewState {
  q: string;
  sort: AssetSort;
  dir: 'asc' | 'desc';
  page: number;
  size: number;
}

export const ASSET_VIEW_SORTS = ['findings', 'name', 'lastSeenAt', 'firstSeenAt'] as const;
export type AssetSort = (typeof ASSET_VIEW_SORTS)[number];

export const ASSET_PAGE_SIZES = [25, 50, 100, 200] as const;

/** Most exposed first; names in order; dates newest first. */
export const DEFAULT_ASSET_DIRECTION: Record<AssetSort, 'asc' | 'desc'> = { findings: 'desc', name: 'asc', lastSeenAt: 'desc', firstSeenAt: 'desc' };

export const DEFAULT_ASSETS_STATE: AssetsViewState = { q: '', sort: 'findings', dir: 'desc', page: 1, size: 50 };

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getParam(params: ParamSource, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

/** Reads the state from URL parameters; anything invalid falls back to its default (links are typed by people). */
export function parseAssetsState(params: ParamSource): AssetsViewState {
  const sortRaw = getParam(params, 'sort');
  const sort = (ASSET_VIEW_SORTS as readonly string[]).includes(sortRaw) ? (sortRaw as AssetSort) : DEFAULT_ASSETS_STATE.sort;
  const dirRaw = getParam(params, 'dir');
  const page = Number.parseInt(getParam(params, 'page'), 10);
  const size = Number.parseInt(getParam(params, 'size'), 10);
  return {
    // Control characters are refused by the server; dropping them here keeps a pasted link working.
    q: getParam(params, 'q')
      .replace(/\p{Cc}/gu, '')
      .slice(0, 253),
    sort,
    dir: dirRaw === 'asc' || dirRaw === 'desc' ? dirRaw : DEFAULT_ASSET_DIRECTION[sort],
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    size: (ASSET_PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_ASSETS_STATE.size,
  };
}

/** The URL query of a state; defaults are left out so links stay short. */
export function assetsStateToQuery(state: AssetsViewState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.sort !== DEFAULT_ASSETS_STATE.sort || state.dir !== DEFAULT_ASSET_DIRECTION[state.sort]) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  if (state.page !== 1) params.set('page', String(state.page));
  if (state.size !== DEFAULT_ASSETS_STATE.size) params.set('size', String(state.size));
  return params.toString();
}

type AssetsListInput = Exclude<RouterInputs['assets']['list'], undefined>;

export function assetsStateToInput(state: AssetsViewState): AssetsListInput {
  return { query: state.q || undefined, page: state.page, pageSize: state.size, sortBy: state.sort, sortDirection: state.dir };
}
