import type { Scope } from '../../auth/scope';
import { ACTIONABLE_FINDING_FILTER, FindingModel, type FindingRecord } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import type { FindingView } from './finding-view';
import { withAssetNames } from './list-findings';
import { slaState, type SlaState } from './sla';
import { readSlaPolicy, type SlaPolicyView } from './sla-policy';
import { unitIdsOfScope } from '../business-units/unit-scope';
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

/** Breached findings are kept to the most overdue `limit` by sorting and cutting whenever twice that many are held. */
function mostOverdue(findings: { _id: string; slaDueAt: Date }[], limit: number): { _id: string; slaDueAt: Date }[] {
  return findings.sort((a, b) => a.slaDueAt.getTime() - b.slaDueAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)).slice(0, limit);
}

/**
 * The SLA view of the caller's business units: counts per state and severity, and the breached findings. One pass
 * over each unit's actionable findings, two fields each, decides every state (slaState: the boundaries of
 * slaDueRange): FerretDB evaluates these conditions itself on whole findings, so the five queries it took before (a
 * count per state, the breached page and its total) read them five times. The breached page's findings are then
 * read by id, one query each (FerretDB hands `_id` to PostgreSQL's index; an `$in` it would answer with a scan).
 */
export async function getSlaOverview(options: { scope: Scope; limit: number; now?: Date }): Promise<SlaOverview> {
  const now = options.now ?? new Date();
  const policy = await readSlaPolicy();
  const limit = Math.min(options.limit, SLA_BREACHED_MAX);
  const counts = KB_SEVERITIES.map((severity) => ({ severity, ok: 0, 'due-soon': 0, breached: 0 }));
  const bySeverity = new Map(counts.map((count) => [count.severity, count]));
  let breached: { _id: string; slaDueAt: Date }[] = [];
  let total = 0;
  // A unit at a time, by equality: FerretDB hands that to PostgreSQL, where the scope's `$in` would read every finding.
  for (const businessUnitId of await unitIdsOfScope(options.scope)) {
    const actionable = FindingModel.find({ businessUnitId, ...ACTIONABLE_FINDING_FILTER }, { severity: 1, slaDueAt: 1 }).lean<Pick<FindingRecord, '_id' | 'severity' | 'slaDueAt'>[]>().cursor({ batchSize: 1000 });
    for await (const finding of actionable) {
      const state = slaState({ dueAt: finding.slaDueAt, now, policy });
      const count = bySeverity.get(finding.severity);
      if (count) count[state] += 1;
      if (state !== 'breached' || !finding.slaDueAt) continue;
      total += 1;
      breached.push({ _id: finding._id, slaDueAt: finding.slaDueAt });
      if (breached.length >= 2 * Math.max(limit, 1)) breached = mostOverdue(breached, limit);
    }
  }
  const docs = await Promise.all(mostOverdue(breached, limit).map(({ _id }) => FindingModel.findOne({ _id }).lean<FindingRecord>()));
  const found = docs.filter((doc): doc is FindingRecord => doc !== null);
  return { policy, at: now, counts, breached: { items: await withAssetNames(found, { now, policy }), total } };
}
