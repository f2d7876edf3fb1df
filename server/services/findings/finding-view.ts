import type { KbSourceId } from '../../kb/kb-types';
import { isOpenFinding, type ExceptionState, type FindingRecord, type FindingStatus, type FixedReason, type RiskBucket } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';
import type { SlaPolicy } from '../../models/sla-policy.model';
import { slaState, type SlaState } from './sla';

/** A finding as callers see it, with the evidence that decided it. Times are ISO 8601. */
export interface FindingView {
  id: string;
  assetId: string;
  vulnId: string;
  vglId: string;
  cves: string[];
  ecosystem: string;
  package: string;
  sourcePackage: string | null;
  installedVersion: string;
  fixedVersion: string | null;
  unfixed: boolean;
  severity: KbSeverity;
  cvss: number | null;
  epss: number | null;
  kev: boolean;
  kevDueAt: string | null;
  rule: string;
  source: KbSourceId;
  confidence: 'confirmed' | 'potential';
  port: number | null;
  riskScore: number;
  riskBucket: RiskBucket;
  status: FindingStatus;
  timesSeen: number;
  firstSeenAt: string;
  lastSeenAt: string;
  fixedAt: string | null;
  fixedReason: FixedReason | null;
  reopenedAt: string | null;
  slaDueAt: string | null;
  /** At read time; null when no SLA runs (fixed, or covered by an approved exception). */
  slaState: SlaState | null;
  exceptionId: string | null;
  exceptionState: ExceptionState | null;
  exceptionExpiresAt: string | null;
}

/** What the read-time SLA state needs: the moment and the policy's due-soon window. */
export interface SlaClock {
  now: Date;
  policy: Pick<SlaPolicy, 'dueSoonDays'>;
}

export function toFindingView(doc: FindingRecord, clock: SlaClock): FindingView {
  const slaRuns = isOpenFinding(doc.status) && !doc.exceptionState;
  return {
    id: doc._id,
    assetId: doc.assetId,
    vulnId: doc.vulnId,
    vglId: doc.vglId,
    cves: doc.cves,
    ecosystem: doc.ecosystem,
    package: doc.package,
    sourcePackage: doc.sourcePackage,
    installedVersion: doc.installedVersion,
    fixedVersion: doc.fixedVersion,
    unfixed: doc.unfixed,
    severity: doc.severity,
    cvss: doc.cvss,
    epss: doc.epss,
    kev: doc.kev,
    kevDueAt: doc.kevDueAt?.toISOString() ?? null,
    rule: doc.rule,
    source: doc.ruleSource,
    confidence: doc.confidence,
    port: doc.port,
    riskScore: doc.riskScore,
    riskBucket: doc.riskBucket,
    status: doc.status,
    timesSeen: doc.timesSeen,
    firstSeenAt: doc.firstSeenAt.toISOString(),
    lastSeenAt: doc.lastSeenAt.toISOString(),
    fixedAt: doc.fixedAt?.toISOString() ?? null,
    fixedReason: doc.fixedReason ?? null,
    reopenedAt: doc.reopenedAt?.toISOString() ?? null,
    slaDueAt: doc.slaDueAt?.toISOString() ?? null,
    slaState: slaRuns ? slaState({ dueAt: doc.slaDueAt, now: clock.now, policy: clock.policy }) : null,
    exceptionId: doc.exceptionId ?? null,
    exceptionState: doc.exceptionState ?? null,
    exceptionExpiresAt: doc.exceptionExpiresAt?.toISOString() ?? null,
  };
}

/** Open first, then the riskiest, then the most severe, then by id: a total order (an asset's findings, in memory). */
export function byUrgency(a: FindingRecord, b: FindingRecord): number {
  return Number(isOpenFinding(b.status)) - Number(isOpenFinding(a.status)) || b.riskScore - a.riskScore || b.severityRank - a.severityRank || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
}
