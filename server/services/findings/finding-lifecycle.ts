import type { FindingStatus } from '../../models/finding.model';

/**
 * The finding state machine (README "Vulnerability workflow"), the one place that says where each event leads:
 * - `seen`: a scan run (or KB re-evaluation, for an unknown or fixed finding) reports it;
 * - `not-seen`: a later result of the same scope no longer reports it;
 * - `exception-ended`: the approved exception covering it expired or was revoked.
 * `null` is a finding not known yet.
 */
export type LifecycleEvent = 'seen' | 'not-seen' | 'exception-ended';

const TRANSITIONS: Record<FindingStatus | 'unknown', Record<LifecycleEvent, FindingStatus | null>> = {
  unknown: { seen: 'new', 'not-seen': null, 'exception-ended': null },
  new: { seen: 'active', 'not-seen': 'fixed', 'exception-ended': 'reopened' },
  active: { seen: 'active', 'not-seen': 'fixed', 'exception-ended': 'reopened' },
  // A regression stays flagged as such until it is fixed again.
  reopened: { seen: 'reopened', 'not-seen': 'fixed', 'exception-ended': 'reopened' },
  fixed: { seen: 'reopened', 'not-seen': 'fixed', 'exception-ended': 'fixed' },
};

/** The status after the event; null: there is no finding (nothing reported, nothing known). */
export function statusAfter(status: FindingStatus | null, event: LifecycleEvent): FindingStatus | null {
  return TRANSITIONS[status ?? 'unknown'][event];
}
