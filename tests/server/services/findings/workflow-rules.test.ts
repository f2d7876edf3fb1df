import { describe, expect, it } from 'vitest';
import type { FindingStatus } from '../../../../server/models/finding.model';
import type { KbSeverity } from '../../../../server/models/kb-vulnerability.model';
import { statusAfter, type LifecycleEvent } from '../../../../server/services/findings/finding-lifecycle';
import { riskBucket, riskScore, type RiskInput } from '../../../../server/services/findings/risk-score';
import { DEFAULT_SLA_POLICY, kevDueAtOf, slaDueAt, slaState } from '../../../../server/services/findings/sla';

/** The pure rules of the vulnerability workflow: risk score and buckets, SLA due dates and states, the state machine. */

const base: RiskInput = { cvss: null, severity: 'unknown', epss: null, kev: false, criticality: 3 };

describe('risk score', () => {
  it.each<[string, Partial<RiskInput>, number, string]>([
    ['CVSS × 10 on a default asset without exploitation signal', { cvss: 9.8 }, 98, 'critical'],
    ['CVSS 7.5: high', { cvss: 7.5 }, 75, 'high'],
    ['CVSS 5.3: medium', { cvss: 5.3 }, 53, 'medium'],
    ['CVSS 3.1: low', { cvss: 3.1 }, 31, 'low'],
    ['CVSS 0: none', { cvss: 0 }, 0, 'none'],
    ['KEV multiplies by 1.25 (high becomes critical)', { cvss: 7.5, kev: true }, 93.8, 'critical'],
    ['EPSS 1 multiplies by 1.2', { cvss: 5, epss: 1 }, 60, 'medium'],
    ['EPSS 0.5 by 1.1', { cvss: 5, epss: 0.5 }, 55, 'medium'],
    ['KEV outranks EPSS (not both)', { cvss: 5, epss: 1, kev: true }, 62.5, 'medium'],
    ['criticality 1 weighs 0.75', { cvss: 8, criticality: 1 }, 60, 'medium'],
    ['criticality 5 weighs 1.25', { cvss: 8, criticality: 5 }, 100, 'critical'],
    ['criticality 4 weighs 1.125', { cvss: 6, criticality: 4 }, 67.5, 'medium'],
    ['capped at 100', { cvss: 10, kev: true, criticality: 5 }, 100, 'critical'],
    ['no CVSS: the severity stands in (high = 8)', { severity: 'high' }, 80, 'high'],
    ['no CVSS, critical = 9.5', { severity: 'critical' }, 95, 'critical'],
    ['no CVSS, unknown scored as medium (5.5)', { severity: 'unknown' }, 55, 'medium'],
    ['no CVSS, none = 0 whatever the threat', { severity: 'none', kev: true }, 0, 'none'],
    ['out-of-range inputs are clamped', { cvss: 12, epss: 3, criticality: 9 }, 100, 'critical'],
  ])('%s', (_name, input, score, bucket) => {
    expect(riskScore({ ...base, ...input })).toBe(score);
    expect(riskBucket(score)).toBe(bucket);
  });

  it('puts bucket edges where CVSS puts severities', () => {
    expect([89.9, 90, 69.9, 70, 39.9, 40, 0.1, 0].map(riskBucket)).toEqual(['high', 'critical', 'medium', 'high', 'low', 'medium', 'low', 'none']);
  });
});

describe('SLA due dates', () => {
  const firstSeenAt = new Date('2026-03-01T12:00:00.000Z');
  const policy = DEFAULT_SLA_POLICY;
  const due = (severity: KbSeverity, kevDueAt: Date | null = null) => slaDueAt({ severity, firstSeenAt, kevDueAt, policy })?.toISOString() ?? null;

  it('gives first seen + the days of the severity (defaults 7/30/90/180; unknown as medium, none without)', () => {
    expect(['critical', 'high', 'medium', 'low', 'unknown', 'none'].map((s) => due(s as KbSeverity))).toEqual([
      '2026-03-08T12:00:00.000Z',
      '2026-03-31T12:00:00.000Z',
      '2026-05-30T12:00:00.000Z',
      '2026-08-28T12:00:00.000Z',
      '2026-05-30T12:00:00.000Z',
      null,
    ]);
  });

  it('takes the KEV due date (end of that day, UTC) when it is earlier, and only then', () => {
    const kevEarlier = kevDueAtOf('2026-03-10');
    expect(kevEarlier!.toISOString()).toBe('2026-03-10T23:59:59.999Z');
    expect(due('high', kevEarlier)).toBe('2026-03-10T23:59:59.999Z');
    expect(due('critical', kevEarlier)).toBe('2026-03-08T12:00:00.000Z');
    expect(due('none', kevEarlier)).toBe('2026-03-10T23:59:59.999Z');
    expect([kevDueAtOf(''), kevDueAtOf('10/03/2026'), kevDueAtOf(undefined)]).toEqual([null, null, null]);
  });

  it('follows a changed policy', () => {
    expect(slaDueAt({ severity: 'high', firstSeenAt, kevDueAt: null, policy: { days: { ...policy.days, high: 14 } } })!.toISOString()).toBe('2026-03-15T12:00:00.000Z');
  });

  it('is ok, due soon (within dueSoonDays) or breached', () => {
    const dueAt = new Date('2026-03-08T12:00:00.000Z');
    const at = (iso: string) => slaState({ dueAt, now: new Date(iso), policy: { dueSoonDays: 3 } });
    expect([at('2026-03-05T11:59:59.000Z'), at('2026-03-05T12:00:01.000Z'), at('2026-03-08T12:00:00.000Z'), at('2026-03-08T12:00:00.001Z')]).toEqual(['ok', 'due-soon', 'due-soon', 'breached']);
    expect(slaState({ dueAt: null, now: new Date(), policy: { dueSoonDays: 3 } })).toBe('ok');
  });
});

describe('finding state machine', () => {
  it.each<[FindingStatus | null, LifecycleEvent, FindingStatus | null]>([
    [null, 'seen', 'new'],
    [null, 'not-seen', null],
    ['new', 'seen', 'active'],
    ['active', 'seen', 'active'],
    ['new', 'not-seen', 'fixed'],
    ['active', 'not-seen', 'fixed'],
    ['fixed', 'seen', 'reopened'],
    ['fixed', 'not-seen', 'fixed'],
    ['reopened', 'seen', 'reopened'],
    ['reopened', 'not-seen', 'fixed'],
    ['active', 'exception-ended', 'reopened'],
    ['new', 'exception-ended', 'reopened'],
    ['fixed', 'exception-ended', 'fixed'],
  ])('%s + %s → %s', (status, event, next) => {
    expect(statusAfter(status, event)).toBe(next);
  });
});
