import type { Scope } from '../../auth/scope';
import { unitIdsOfScope } from '../business-units/unit-scope';
import { FindingModel, OPEN_FINDING_STATUSES } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { findingQuery, scopeOfFindingFilter, type FindingFilter } from './list-findings';
import { readMatchingListCells, servedByListCells } from './list-findings-by-risk';
import { readSlaPolicy } from './sla-policy';
import { KB_SEVERITIES } from '../kb/search-kb';

export interface FindingsSummary {
  /** Open findings (new, active, reopened) that match the filter, per severity, most severe first. */
  open: { severity: KbSeverity; count: number }[];
  openTotal: number;
}

/** Open findings per severity from the list cells, when they answer the filter and are built. */
async function countFromListCells(scope: Scope, filter: FindingFilter): Promise<Map<string, number> | null> {
  if (!servedByListCells(filter)) return null;
  // The filter narrowed to open findings: `open` itself where it sets no status, nothing where it asks for fixed ones.
  if (filter.status === 'fixed') return new Map();
  const cells = await readMatchingListCells(await unitIdsOfScope(scope), { ...filter, status: filter.status ?? 'open' });
  if (!cells) return null;
  const counts = new Map<string, number>();
  for (const cell of cells) counts.set(cell.severity, (counts.get(cell.severity) ?? 0) + Object.values(cell.ranks).reduce((sum, n) => sum + n, 0));
  return counts;
}

/**
 * How the open findings of a list's filter spread over severities — the list's own filter, narrowed to open
 * findings (a `fixed` status filter therefore counts nothing). From the list cells where they answer the filter;
 * otherwise counted with `$sum: 1` only (server/db/README.md).
 */
export async function summarizeFindings(options: { scope: Scope; filter: FindingFilter }): Promise<FindingsSummary> {
  const scope = await scopeOfFindingFilter(options.scope, options.filter);
  const counts = (await countFromListCells(scope, options.filter)) ?? (await countByAggregation(scope, options.filter));
  const open = KB_SEVERITIES.map((severity) => ({ severity, count: counts.get(severity) ?? 0 }));
  return { open, openTotal: open.reduce((sum, row) => sum + row.count, 0) };
}

async function countByAggregation(scope: Scope, filter: FindingFilter): Promise<Map<string, number>> {
  const policy = await readSlaPolicy();
  const query = findingQuery({ scope, filter, now: new Date(), dueSoonDays: policy.dueSoonDays });
  const groups = await FindingModel.aggregate<{ _id: KbSeverity; count: number }>([
    { $match: { $and: [query, { status: { $in: [...OPEN_FINDING_STATUSES] } }] } },
    { $group: { _id: '$severity', count: { $sum: 1 } } },
  ]);
  return new Map(groups.map((group) => [group._id, group.count]));
}
