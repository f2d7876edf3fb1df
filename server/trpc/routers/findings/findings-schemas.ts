import { z } from 'zod';
import { KB_SOURCES } from '../../../kb/kb-types';
import { EXCEPTION_STATES, FINDING_STATUSES, FIXED_REASONS, RISK_BUCKETS } from '../../../models/finding.model';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { SLA_STATES } from '../../../services/findings/sla';

/** A finding with its evidence (installed and fixed version, the rule and source that matched, confidence), lifecycle, risk, SLA and exception. */
export const findingOutput = z.object({
  id: z.string(),
  assetId: z.string(),
  vulnId: z.string(),
  vglId: z.string(),
  cves: z.array(z.string()),
  ecosystem: z.string(),
  package: z.string(),
  sourcePackage: z.string().nullable(),
  installedVersion: z.string(),
  fixedVersion: z.string().nullable(),
  unfixed: z.boolean(),
  severity: z.enum(KB_SEVERITIES),
  cvss: z.number().nullable(),
  epss: z.number().nullable(),
  kev: z.boolean(),
  kevDueAt: z.iso.datetime().nullable(),
  rule: z.string(),
  source: z.enum(KB_SOURCES),
  confidence: z.enum(['confirmed', 'potential']),
  port: z.number().int().nullable(),
  riskScore: z.number().min(0).max(100),
  riskBucket: z.enum(RISK_BUCKETS),
  status: z.enum(FINDING_STATUSES),
  timesSeen: z.number().int().nonnegative(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  fixedAt: z.iso.datetime().nullable(),
  fixedReason: z.enum(FIXED_REASONS).nullable(),
  reopenedAt: z.iso.datetime().nullable(),
  slaDueAt: z.iso.datetime().nullable(),
  slaState: z.enum(SLA_STATES).nullable(),
  exceptionId: z.string().nullable(),
  exceptionState: z.enum(EXCEPTION_STATES).nullable(),
  exceptionExpiresAt: z.iso.datetime().nullable(),
});

export const findingWithAssetOutput = findingOutput.extend({ assetName: z.string() });

const days = z.number().int().min(1).max(3650);

export const slaPolicyOutput = z.object({
  days: z.object({ critical: days, high: days, medium: days, low: days }),
  dueSoonDays: z.number().int().min(0).max(365),
  updatedAt: z.date().nullable(),
  /** The open findings are being re-dated to this policy (the `sla-redate` job). */
  redating: z.boolean(),
});
