import { scopeFilter, type Scope } from '../../auth/scope';
import { ACTIONABLE_FINDING_FILTER, FindingModel, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import type { FindingView } from './finding-view';
import { withAssetNames } from './list-findings';
import { SLA_STATES, slaDueRange, type SlaState } from './sla';
import { readSlaPolicy, type SlaPolicyView } from './sla-policy';
import { KB_SEVERITIES } from '../kb/search-kb';

export const SLA_BREACHED_MAX = 200;

export interface SlaOverview {
  policy: SlaPolicyView;
  at: Date;
  /** Open findings without an approved exception, per severity and SLA state. */
  counts: ({ severity: KbSeverity } & Record<SlaState, number>)[];
  /** The breached ones, most overdue first (at most `limit`; `total` says how many in all). */
  breached: { items: (FindingView & { assetName: string })[]; total: number };
}


/** The SLA view of the caller's business units: counts per state and severity, and the breached findings. */
export async function getSlaOverview(options: { scope: Scope; limit: number; now?: Date }): Promise<SlaOverview> {
  const now = options.now ?? new Date();
  const policy = await readSlaPolicy();
  const actionable = { ...scopeFilter(options.scope), ...ACTIONABLE_FINDING_FILTER };
  const perState = await Promise.all(
    SLA_STATES.map(async (state) => ({
      state,
      groups: await FindingModel.aggregate<{ _id: KbSeverity; count: number }>([{ $match: { $and: [actionable, slaDueRange(state, now, policy)] } }, { $group: { _id: '$severity', count: { $sum: 1 } } }]),
    })),
  );
  const counts = KB_SEVERITIES.map((severity) => ({
    severity,
    ...(Object.fromEntries(perState.map(({ state, groups }) => [state, groups.find((group) => group._id === severity)?.count ?? 0])) as Record<SlaState, number>),
  }));
  const breachedQuery = { $and: [actionable, slaDueRange('breached', now, policy)] };
  const [docs, total] = await Promise.all([
    FindingModel.find(breachedQuery).sort({ slaDueAt: 1, _id: 1 }).limit(Math.min(options.limit, SLA_BREACHED_MAX)).lean<FindingRecord[]>(),
    FindingModel.countDocuments(breachedQuery),
  ]);
  return { policy, at: now, counts, breached: { items: await withAssetNames(docs, { now, policy }), total } };
}
