import type { FilterQuery, SortOrder } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { AssetModel, WITHOUT_EVIDENCE, type Asset } from '../../models/asset.model';
import type { StoredAsset } from './asset-identity';
import { toAssetSummary, type AssetSummary } from './asset-view';

export const ASSET_SORTS = ['name', 'lastSeenAt', 'firstSeenAt', 'findings', 'risk'] as const;
export type AssetSort = (typeof ASSET_SORTS)[number];
export const ASSETS_MAX_PAGE_SIZE = 200;

export interface ListAssetsResult {
  items: AssetSummary[];
  total: number;
  page: number;
  pageSize: number;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const SORT_FIELDS: Record<AssetSort, string[]> = {
  name: ['name'],
  lastSeenAt: ['lastSeenAt'],
  firstSeenAt: ['firstSeenAt'],
  // Worst first when descending: the critical count decides, then high, medium, low, then how many in all.
  findings: ['openFindings.critical', 'openFindings.high', 'openFindings.medium', 'openFindings.low', 'openFindings.total'],
  // Riskiest first when descending: the worst finding decides, then the sum.
  risk: ['risk.max', 'risk.total'],
};

function sortOf(sort: { by: AssetSort; direction: 'asc' | 'desc' }): Record<string, SortOrder> {
  const order: SortOrder = sort.direction === 'asc' ? 1 : -1;
  // _id breaks ties: a total order, so pages never overlap or skip assets.
  return { ...Object.fromEntries(SORT_FIELDS[sort.by].map((field) => [field, order])), _id: 1 };
}

/**
 * One page of the assets of the caller's business units, each with its open findings per severity (kept on the
 * asset, so no join). `query` is part of a name, hostname or address, any case.
 */
export async function listAssets(options: { scope: Scope; query?: string; page: number; pageSize: number; sort: { by: AssetSort; direction: 'asc' | 'desc' } }): Promise<ListAssetsResult> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), ASSETS_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const text = options.query ? { $regex: escapeRegex(options.query), $options: 'i' } : null;
  const query: FilterQuery<Asset> = { ...scopeFilter(options.scope), ...(text ? { $or: [{ name: text }, { hostnames: text }, { addresses: text }] } : {}) };
  const [docs, total] = await Promise.all([
    AssetModel.find(query, WITHOUT_EVIDENCE)
      .sort(sortOf(options.sort))
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<StoredAsset[]>(),
    AssetModel.countDocuments(query),
  ]);
  return { items: docs.map(toAssetSummary), total, page, pageSize };
}
