import { Schema } from 'mongoose';
import type { KbSourceId } from '../kb/kb-types';
import type { KbSeverity } from './kb-vulnerability.model';
import { defineModel } from './define-model';

/**
 * One vulnerability of one asset over time (SPEC §2.5): `_id` = `${assetId}|${vulnId} ${ecosystem} ${package}`
 * (findingKey of the detection result). The evidence fields are those of the latest detection.
 *
 * Lifecycle (README "Vulnerability workflow"): `new` when detection first reports it; `active` once a later scan
 * sees it again; `fixed` when a later result of the same scope no longer shows it (`fixedReason` says whether a scan
 * stopped seeing it or a KB correction withdrew it); `reopened` when it comes back after a fix or when the exception
 * that covered it expires. First seen is kept throughout.
 *
 * An approved exception is an overlay (`exceptionState`), not a lifecycle state: scans keep tracking the finding,
 * while open counts, risk rollups and SLAs leave it out until the exception ends.
 */
export const FINDING_STATUSES = ['new', 'active', 'fixed', 'reopened'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** The statuses of a finding that still needs work. */
export const OPEN_FINDING_STATUSES = ['new', 'active', 'reopened'] as const satisfies readonly FindingStatus[];

export const FIXED_REASONS = ['not-seen-by-scan', 'kb-correction'] as const;
export type FixedReason = (typeof FIXED_REASONS)[number];

export const EXCEPTION_STATES = ['risk-accepted', 'false-positive'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

export const RISK_BUCKETS = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type RiskBucket = (typeof RISK_BUCKETS)[number];

export const SEVERITY_RANK: Record<KbSeverity, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

/** The findings open counts, risk rollups and SLAs count: open and not covered by an approved exception. */
export const ACTIONABLE_FINDING_FILTER = { status: { $in: [...OPEN_FINDING_STATUSES] }, exceptionState: null } as const;

export const isOpenFinding = (status: FindingStatus) => (OPEN_FINDING_STATUSES as readonly FindingStatus[]).includes(status);

export interface FindingRecord {
  _id: string;
  businessUnitId: string;
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
  /** SEVERITY_RANK of `severity`: lists sort by it on the server. */
  severityRank: number;
  cvss: number | null;
  epss: number | null;
  kev: boolean;
  /** CISA's remediation due date of the KEV entry (null: not in KEV). */
  kevDueAt: Date | null;
  rule: string;
  ruleSource: KbSourceId;
  confidence: 'confirmed' | 'potential';
  /** Service findings: where the service listens. */
  port: number | null;
  /** risk-score.ts of the evidence and the asset's criticality, 0–100. */
  riskScore: number;
  riskBucket: RiskBucket;
  /** firstSeenAt + the SLA policy's days for the severity, or the KEV due date when earlier; null: no deadline. */
  slaDueAt: Date | null;
  status: FindingStatus;
  /** Scans (or KB re-evaluations) that reported it; a result recorded twice counts once. */
  timesSeen: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  fixedAt: Date | null;
  fixedReason: FixedReason | null;
  reopenedAt: Date | null;
  lastRunId: string | null;
  /** The asset's name, copied by its roll-up (refreshOpenFindingRollup) so lists show it without a lookup; null until then. */
  assetName: string | null;
  /** The exception requested or approved for it (one at a time). */
  exceptionId: string | null;
  /** Set while that exception is approved. */
  exceptionState: ExceptionState | null;
  exceptionExpiresAt: Date | null;
  /** tie-order.ts: the order among findings of one risk score and severity. */
  tieHash: number;
}

const findingSchema = new Schema<FindingRecord>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    assetId: { type: String, required: true },
    vulnId: { type: String, required: true },
    vglId: { type: String, required: true },
    cves: { type: [String], default: [] },
    ecosystem: { type: String, required: true },
    package: { type: String, required: true },
    sourcePackage: { type: String, default: null },
    installedVersion: { type: String, required: true },
    fixedVersion: { type: String, default: null },
    unfixed: { type: Boolean, required: true },
    severity: { type: String, required: true },
    severityRank: { type: Number, required: true },
    cvss: { type: Number, default: null },
    epss: { type: Number, default: null },
    kev: { type: Boolean, required: true },
    kevDueAt: { type: Date, default: null },
    rule: { type: String, required: true },
    ruleSource: { type: String, required: true },
    confidence: { type: String, enum: ['confirmed', 'potential'], required: true },
    port: { type: Number, default: null },
    riskScore: { type: Number, required: true },
    riskBucket: { type: String, enum: RISK_BUCKETS, required: true },
    slaDueAt: { type: Date, default: null },
    status: { type: String, enum: FINDING_STATUSES, required: true },
    timesSeen: { type: Number, required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    fixedAt: { type: Date, default: null },
    fixedReason: { type: String, enum: [...FIXED_REASONS, null], default: null },
    reopenedAt: { type: Date, default: null },
    lastRunId: { type: String, default: null },
    assetName: { type: String, default: null },
    exceptionId: { type: String, default: null },
    exceptionState: { type: String, enum: [...EXCEPTION_STATES, null], default: null },
    exceptionExpiresAt: { type: Date, default: null },
    tieHash: { type: Number, required: true },
  },
  { collection: 'findings', versionKey: false, minimize: false },
);
findingSchema.index({ assetId: 1, status: 1 });
findingSchema.index({ businessUnitId: 1, status: 1, severityRank: -1 });
findingSchema.index({ businessUnitId: 1, vulnId: 1 });
findingSchema.index({ businessUnitId: 1, status: 1, slaDueAt: 1 });
findingSchema.index({ businessUnitId: 1, riskScore: -1 });
findingSchema.index({ exceptionId: 1 });
// The findings list's default order (risk, then severity, then tie-order.ts) within a unit: MongoDB sorts page 1 from
// the index (the list cells and rows answer it on any backend, list-findings-by-risk.ts).
findingSchema.index({ businessUnitId: 1, riskScore: -1, severityRank: -1, tieHash: -1, _id: 1 });

export const FindingModel = defineModel<FindingRecord>('Finding', findingSchema);
