import type { FilterQuery, SortOrder } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { intersectScopes, scopeOfUnits, unitIdsOfScope } from '../business-units/unit-scope';
import { AssetModel } from '../../models/asset.model';
import { ACTIONABLE_FINDING_FILTER, FindingModel, OPEN_FINDING_STATUSES, type ExceptionState, type FindingRecord, type FindingStatus } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { toFindingView, type FindingView } from './finding-view';
import { listFindingsByRisk, servedByListCells } from './list-findings-by-risk';
import { keptListPage } from './list-page-cache';
import { slaDueRange, type SlaState } from './sla';
import { readRecentSlaPolicy } from './sla-policy';

export const FINDING_SORTS = ['risk', 'severity', 'slaDueAt', 'lastSeenAt', 'firstSeenAt', 'vulnId', 'package', 'epss'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];
export const FINDINGS_MAX_PAGE_SIZE = 200;

/** A status, or `open`: any of new, active, reopened. */
export const FINDING_STATUS_FILTERS = ['open', 'new', 'active', 'fixed', 'reopened'] as const;
export type FindingStatusFilter = (typeof FINDING_STATUS_FILTERS)[number];
/** `none`: no approved exception; otherwise the exception that covers it. */
export const FINDING_EXCEPTION_FILTERS = ['none', 'risk-accepted', 'false-positive'] as const;

export interface FindingFilter {
  assetId?: string;
  status?: FindingStatusFilter;
  severity?: KbSeverity;
  kev?: boolean;
  epssMin?: number;
  epssMax?: number;
  /** Open findings without an approved exception whose SLA is in this state. */
  slaState?: SlaState;
  exception?: 'none' | ExceptionState;
  /** The binary or source package (or `vendor:product` of a service), exactly. */
  package?: string;
  /** A CVE id (or the vulnerability's own id), exactly. */
  cve?: string;
  /** This business unit and the units below it (within the caller's units; see scopeOfFindingFilter). */
  businessUnitId?: string;
  /** First seen more than this many days ago. */
  olderThanDays?: number;
  /** These findings only (a ticket's), never from a request's query string. */
  findingIds?: readonly string[];
}

export interface ListFindingsResult {
  items: (FindingView & { assetName: string })[];
  total: number;
  page: number;
  pageSize: number;
}

const SORT_FIELDS: Record<FindingSort, string[]> = {
  risk: ['riskScore', 'severityRank', 'tieHash'],
  severity: ['severityRank', 'cvss'],
  slaDueAt: ['slaDueAt'],
  lastSeenAt: ['lastSeenAt'],
  firstSeenAt: ['firstSeenAt'],
  vulnId: ['vulnId'],
  package: ['package'],
  epss: ['epss'],
};

export function sortOf(sort: { by: FindingSort; direction: 'asc' | 'desc' }): Record<string, SortOrder> {
  const order: SortOrder = sort.direction === 'asc' ? 1 : -1;
  // _id breaks ties: a total order, so pages never overlap or skip findings.
  return { ...Object.fromEntries(SORT_FIELDS[sort.by].map((field) => [field, order])), _id: 1 };
}

const DAY_MS = 86_400_000;

/**
 * The caller's scope narrowed by the filter's business unit to that unit and the units below it; a unit outside the
 * caller's units (or none) leaves nothing, exactly as an asset id of another unit does.
 */
export async function scopeOfFindingFilter(scope: Scope, filter: FindingFilter): Promise<Scope> {
  return filter.businessUnitId ? intersectScopes(scope, await scopeOfUnits([filter.businessUnitId])) : scope;
}

const statusCondition = (status: FindingStatusFilter): FilterQuery<FindingRecord> => (status === 'open' ? { status: { $in: [...OPEN_FINDING_STATUSES] } } : { status: status as FindingStatus });

/**
 * The filter as a query: each condition its own clause of an $and, so none overwrites another; the plain
 * equalities are repeated at the top level, where FerretDB hands them to PostgreSQL (it leaves an $and to itself).
 * `scope` is the caller's, already narrowed by scopeOfFindingFilter.
 */
export function findingQuery(options: { scope: Scope; filter: FindingFilter; now: Date; dueSoonDays: number }): FilterQuery<FindingRecord> {
  const { filter } = options;
  const epss = { ...(filter.epssMin !== undefined ? { $gte: filter.epssMin } : {}), ...(filter.epssMax !== undefined ? { $lte: filter.epssMax } : {}) };
  const clauses: FilterQuery<FindingRecord>[] = [
    scopeFilter(options.scope),
    ...(filter.assetId ? [{ assetId: filter.assetId }] : []),
    ...(filter.status ? [statusCondition(filter.status)] : []),
    ...(filter.severity ? [{ severity: filter.severity }] : []),
    ...(filter.kev !== undefined ? [{ kev: filter.kev }] : []),
    ...(Object.keys(epss).length > 0 ? [{ epss }] : []),
    ...(filter.slaState ? [ACTIONABLE_FINDING_FILTER, slaDueRange(filter.slaState, options.now, { dueSoonDays: options.dueSoonDays })] : []),
    ...(filter.exception ? [{ exceptionState: filter.exception === 'none' ? null : filter.exception }] : []),
    ...(filter.package ? [{ $or: [{ package: filter.package }, { sourcePackage: filter.package }] }] : []),
    ...(filter.cve ? [{ $or: [{ vulnId: filter.cve }, { cves: filter.cve }] }] : []),
    ...(filter.olderThanDays ? [{ firstSeenAt: { $lt: new Date(options.now.getTime() - filter.olderThanDays * DAY_MS) } }] : []),
    ...(filter.findingIds ? [{ _id: { $in: [...filter.findingIds] } }] : []),
  ];
  const equalities = {
    ...(options.scope.kind === 'units' && options.scope.businessUnitIds.length === 1 ? { businessUnitId: options.scope.businessUnitIds[0] } : {}),
    ...(filter.assetId ? { assetId: filter.assetId } : {}),
    ...filterEqualities(filter),
  };
  return { ...equalities, $and: clauses };
}

/** The filter's plain equalities on a finding's own fields (severity, KEV, one status), as top-level conditions. */
export function filterEqualities(filter: Pick<FindingFilter, 'severity' | 'kev' | 'status'>): { severity?: KbSeverity; kev?: boolean; status?: FindingStatus } {
  return {
    ...(filter.severity ? { severity: filter.severity } : {}),
    ...(filter.kev !== undefined ? { kev: filter.kev } : {}),
    ...(filter.status && filter.status !== 'open' ? { status: filter.status } : {}),
  };
}

/**
 * One page of the findings of the caller's business units. An asset id of another unit filters to nothing, exactly
 * as an id that does not exist.
 */
export async function listFindings(options: {
  scope: Scope;
  filter: FindingFilter;
  page: number;
  pageSize: number;
  sort: { by: FindingSort; direction: 'asc' | 'desc' };
  /** Read the cells and rows even when this console keeps the page (the benchmark's comparison). */
  unkept?: boolean;
}): Promise<ListFindingsResult> {
  const pageSize = Math.min(Math.max(1, Math.floor(options.pageSize)), FINDINGS_MAX_PAGE_SIZE);
  const page = Math.max(1, Math.floor(options.page));
  const now = new Date();
  const scope = await scopeOfFindingFilter(options.scope, options.filter);
  if (options.sort.by === 'risk' && servedByListCells(options.filter)) {
    // Resolved once: the kept page's versions and, on a read, the cells are of the same units.
    const businessUnitIds = await unitIdsOfScope(scope);
    const read = async () => {
      const [byRisk, policy] = await Promise.all([listFindingsByRisk({ businessUnitIds, filter: options.filter, page, pageSize, direction: options.sort.direction }), readRecentSlaPolicy(now.getTime())]);
      return byRisk && { items: await withAssetNames(byRisk.docs, { now, policy }), total: byRisk.total, page, pageSize };
    };
    const key = JSON.stringify([Object.entries(options.filter).filter(([, value]) => value !== undefined).sort(), page, pageSize, options.sort.direction]);
    const listed = options.unkept ? await read() : await keptListPage({ businessUnitIds, key, now: now.getTime(), read });
    if (listed) return listed;
  }
  const policy = await readRecentSlaPolicy(now.getTime());
  const query = findingQuery({ scope, filter: options.filter, now, dueSoonDays: policy.dueSoonDays });
  const [docs, total] = await Promise.all([
    FindingModel.find(query)
      .sort(sortOf(options.sort))
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<FindingRecord[]>(),
    FindingModel.countDocuments(query),
  ]);
  return { items: await withAssetNames(docs, { now, policy }), total, page, pageSize };
}

/**
 * Views of a page of findings with their assets' names: the name the asset's roll-up copied onto the finding, else
 * one lookup by id per asset, which FerretDB answers from an index where an `$in` would read every asset.
 */
export async function withAssetNames(docs: FindingRecord[], clock: Parameters<typeof toFindingView>[1]): Promise<(FindingView & { assetName: string })[]> {
  const unnamed = [...new Set(docs.filter((doc) => doc.assetName === null || doc.assetName === undefined).map((doc) => doc.assetId))];
  const assets = await Promise.all(unnamed.map((_id) => AssetModel.findOne({ _id }, { name: 1 }).lean()));
  const names = new Map(assets.flatMap((asset) => (asset ? [[asset._id, asset.name] as const] : [])));
  // Assigned, not spread into a copy: 50 views of 36 fields a page.
  return docs.map((doc) => Object.assign(toFindingView(doc, clock), { assetName: doc.assetName ?? names.get(doc.assetId) ?? '' }));
}
