import type { KbSeverity } from '../../models/kb-vulnerability.model';
import type { SlaPolicy } from '../../models/sla-policy.model';

/**
 * SLA deadlines (README "Vulnerability workflow"): a finding is due `days[severity]` after it was first seen, or on
 * its KEV entry's due date when that is earlier. `unknown` severity takes the medium deadline (a finding nobody
 * rated is not left without one); `none` has no deadline unless KEV sets one.
 */
export const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SlaSeverity = (typeof SLA_SEVERITIES)[number];

export const SLA_STATES = ['ok', 'due-soon', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

const DAY_MS = 86_400_000;

export const DEFAULT_SLA_POLICY: Pick<SlaPolicy, 'days' | 'dueSoonDays'> = { days: { critical: 7, high: 30, medium: 90, low: 180 }, dueSoonDays: 3 };

export function slaSeverityOf(severity: KbSeverity): SlaSeverity | null {
  if (severity === 'none') return null;
  return severity === 'unknown' ? 'medium' : severity;
}

export function slaDueAt(options: { severity: KbSeverity; firstSeenAt: Date; kevDueAt: Date | null; policy: Pick<SlaPolicy, 'days'> }): Date | null {
  const slaSeverity = slaSeverityOf(options.severity);
  const bySeverity = slaSeverity ? new Date(options.firstSeenAt.getTime() + options.policy.days[slaSeverity] * DAY_MS) : null;
  if (!options.kevDueAt) return bySeverity;
  return bySeverity && bySeverity.getTime() <= options.kevDueAt.getTime() ? bySeverity : options.kevDueAt;
}

/** breached: past due; due-soon: due within `dueSoonDays`; ok otherwise (and without a deadline). */
export function slaState(options: { dueAt: Date | null; now: Date; policy: Pick<SlaPolicy, 'dueSoonDays'> }): SlaState {
  if (!options.dueAt) return 'ok';
  const left = options.dueAt.getTime() - options.now.getTime();
  if (left < 0) return 'breached';
  return left < options.policy.dueSoonDays * DAY_MS ? 'due-soon' : 'ok';
}

/** The slaDueAt range of each state at `now`, for queries (the same boundaries as slaState). */
export function slaDueRange(state: SlaState, now: Date, policy: Pick<SlaPolicy, 'dueSoonDays'>): Record<string, unknown> {
  const soon = new Date(now.getTime() + policy.dueSoonDays * DAY_MS);
  if (state === 'breached') return { slaDueAt: { $lt: now } };
  if (state === 'due-soon') return { slaDueAt: { $gte: now, $lt: soon } };
  return { $or: [{ slaDueAt: null }, { slaDueAt: { $gte: soon } }] };
}

/** KEV's dueDate is a calendar day (YYYY-MM-DD): due at its end, UTC. */
export function kevDueAtOf(dueDate: string | undefined | null): Date | null {
  if (!dueDate || !/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) return null;
  const start = Date.parse(`${dueDate}T00:00:00.000Z`);
  return Number.isNaN(start) ? null : new Date(start + DAY_MS - 1);
}
