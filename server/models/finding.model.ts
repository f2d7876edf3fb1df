import { Schema } from 'mongoose';
import type { KbSourceId } from '../kb/kb-types';
import type { KbSeverity } from './kb-vulnerability.model';
import { defineModel } from './define-model';

/**
 * One vulnerability of one asset over time (SPEC §2.5): `_id` = `${assetId}|${vulnId} ${ecosystem} ${package}`
 * (findingKey of the detection result). Opened when detection first reports it, fixed when a complete result no
 * longer does, open again when it comes back — first seen is kept. The evidence fields are those of the latest
 * detection. The workflow (triage, SLA, exceptions) builds on this record.
 */
export const FINDING_STATUSES = ['open', 'fixed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const SEVERITY_RANK: Record<KbSeverity, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

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
  rule: string;
  ruleSource: KbSourceId;
  confidence: 'confirmed' | 'potential';
  /** Service findings: where the service listens. */
  port: number | null;
  status: FindingStatus;
  firstSeenAt: Date;
  lastSeenAt: Date;
  fixedAt: Date | null;
  reopenedAt: Date | null;
  lastRunId: string | null;
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
    rule: { type: String, required: true },
    ruleSource: { type: String, required: true },
    confidence: { type: String, enum: ['confirmed', 'potential'], required: true },
    port: { type: Number, default: null },
    status: { type: String, enum: FINDING_STATUSES, required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    fixedAt: { type: Date, default: null },
    reopenedAt: { type: Date, default: null },
    lastRunId: { type: String, default: null },
  },
  { collection: 'findings', versionKey: false, minimize: false },
);
findingSchema.index({ assetId: 1, status: 1 });
findingSchema.index({ businessUnitId: 1, status: 1, severityRank: -1 });
findingSchema.index({ businessUnitId: 1, vulnId: 1 });

export const FindingModel = defineModel<FindingRecord>('Finding', findingSchema);
