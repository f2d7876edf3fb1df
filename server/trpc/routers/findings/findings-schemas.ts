import { z } from 'zod';
import { KB_SOURCES } from '../../../kb/kb-types';
import { FINDING_STATUSES } from '../../../models/finding.model';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';

/** A finding with its evidence (installed and fixed version, the rule and source that matched, confidence). */
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
  rule: z.string(),
  source: z.enum(KB_SOURCES),
  confidence: z.enum(['confirmed', 'potential']),
  port: z.number().int().nullable(),
  status: z.enum(FINDING_STATUSES),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  fixedAt: z.iso.datetime().nullable(),
  reopenedAt: z.iso.datetime().nullable(),
});
