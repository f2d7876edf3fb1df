import type { FilterQuery, SortOrder } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { AssetModel } from '../../models/asset.model';
import { FindingModel, type FindingRecord, type FindingStatus } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { toFindingView, type FindingView } from './finding-view';

export const FINDING_SORTS = ['severity', 'lastSeenAt', 'firstSeenAt', 'vulnId', 'package', 'epss'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];
export const FINDINGS_MAX_PAGE_SIZE = 200;

export interface FindingFilter {
  assetId?: string;
  status?: FindingStatus;
  severity?: KbSeverity;
}

export interface ListFindingsResult {
  items: (FindingView & { assetName: string })[];
  total: number;
  page: number;
  pageSize: number;
}

const SORT_FIELDS: Record<FindingSort, string[]> = {
  severity: ['severityRank', 'cvss'],
  lastSeenAt: ['lastSeenAt'],
  firstSeenAt: ['firstSeenAt'],
  vulnId: ['vulnId'],
  package: ['package'],
  epss: ['epss'],
};

function sortOf(sort: { by: FindingSort; direction: 'asc' | 'desc' }): Record<string, SortOrder> {
  const order: SortOrder = sort.direction === 'asc' ? 1 : -1;
  // _id breaks ties: a total order, so pages never overlap or skip findings.
  return { ...Object.fromEntries(SORT_FIELDS[sort.by].map((field) => [field, order])), _id: 1 };
}

/**
 * One page of the findings of the caller's business units. An asset id of another unit filters to nothing, exactly
 * as an id that does not exist.
 */
export async function listFindings(options: { scope: Scope; filter: FindingFilter; page: number; pageSize: number; sort: { by: FindingSort; direction: 'asc' | 'desc' } }): Promise<ListFindingsResult> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), FINDINGS_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const { filter } = options;
  const query: FilterQuery<FindingRecord> = {
    ...scopeFilter(options.scope),
    ...(filter.assetId ? { assetId: filter.assetId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.severity ? { severity: filter.severity } : {}),
  };
  const [docs, total] = await Promise.all([
    FindingModel.find(query)
      .sort(sortOf(options.sort))
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<FindingRecord[]>(),
    FindingModel.countDocuments(query),
  ]);
  // The page's asset names, in one query instead of a join.
  const assetIds = [...new Set(docs.map((doc) => doc.assetId))];
  const names = new Map((await AssetModel.find({ _id: { $in: assetIds } }, { name: 1 }).lean()).map((asset) => [asset._id, asset.name]));
  return { items: docs.map((doc) => ({ ...toFindingView(doc), assetName: names.get(doc.assetId) ?? '' })), total, page, pageSize };
}
