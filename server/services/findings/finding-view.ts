import type { KbSourceId } from '../../kb/kb-types';
import type { FindingRecord, FindingStatus } from '../../models/finding.model';
import type { KbSeverity } from '../../models/kb-vulnerability.model';

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
  rule: string;
  source: KbSourceId;
  confidence: 'confirmed' | 'potential';
  port: number | null;
  status: FindingStatus;
  firstSeenAt: string;
  lastSeenAt: string;
  fixedAt: string | null;
  reopenedAt: string | null;
}

export function toFindingView(doc: FindingRecord): FindingView {
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
    rule: doc.rule,
    source: doc.ruleSource,
    confidence: doc.confidence,
    port: doc.port,
    status: doc.status,
    firstSeenAt: doc.firstSeenAt.toISOString(),
    lastSeenAt: doc.lastSeenAt.toISOString(),
    fixedAt: doc.fixedAt?.toISOString() ?? null,
    reopenedAt: doc.reopenedAt?.toISOString() ?? null,
  };
}

/** Open first, then the most severe, then by id: a total order. */
export const FINDINGS_BY_URGENCY = { status: -1, severityRank: -1, cvss: -1, _id: 1 } as const;
