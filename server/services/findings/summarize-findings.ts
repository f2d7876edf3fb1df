import type { Scope } from '../../auth/scope';
import { FindingModel, OPEN_FINDING_STATUSES } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import { findingQuery, scopeOfFindingFilter, type FindingFilter } from './list-findings';
import { readSlaPolicy } from './sla-policy';

const SEVERITY_ORDER: KbSeverity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

export interface FindingsSummary {
  /** Open findings (new, active, reopened) that match the filter, per severity, most severe first. */
  open: { severity: KbSeverity; count: number }[];
  openTotal: number;
}

/**
 * How the open findings of a list's filter spread over severities — the list's own filter, narrowed to open
 * findings (a `fixed` status filter therefore counts nothing). Counted with `$sum: 1` only (server/db/README.md).
 */
export async function summarizeFindings(options: { scope: Scope; filter: FindingFilter }): Promise<FindingsSummary> {
  const policy = await readSlaPolicy();
  const query = findingQuery({ scope: await scopeOfFindingFilter(options.scope, options.filter), filter: options.filter, now: new Date(), dueSoonDays: policy.dueSoonDays });
  const groups = await FindingModel.aggregate<{ _id: KbSeverity; count: number }>([
    { $match: { $and: [query, { status: { $in: [...OPEN_FINDING_STATUSES] } }] } },
    { $group: { _id: '$severity', count: { $sum: 1 } } },
  ]);
  const open = SEVERITY_ORDER.map((severity) => ({ severity, count: groups.find((group) => group._id === severity)?.count ?? 0 }));
  return { open, openTotal: open.reduce((sum, row) => sum + row.count, 0) };
}
