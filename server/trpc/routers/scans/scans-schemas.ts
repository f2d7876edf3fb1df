import { z } from 'zod';
import { SCAN_RUN_STATUSES } from '../../../models/scan-run.model';
import { jobLimitsSchema, SCAN_PROFILES } from '../../../../scanner/protocol/v1/schemas';

/** Target entries the run could not expand (bad range, unresolvable name): shown, never fatal. */
const targetProblem = z.object({ target: z.string(), message: z.string() });

export const scanRunSummaryOutput = z.object({
  id: z.string(),
  scanId: z.string(),
  scanName: z.string(),
  businessUnitId: z.string(),
  profile: z.enum(SCAN_PROFILES),
  status: z.enum(SCAN_RUN_STATUSES),
  trigger: z.enum(['manual', 'schedule']),
  launchedBy: z.string(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  targetProblems: z.array(targetProblem),
});

/** A scan definition with its latest run; the credential is named by id only. */
export const scanSummaryOutput = z.object({
  id: z.string(),
  name: z.string(),
  businessUnitId: z.string(),
  targets: z.array(z.string()),
  exclusions: z.array(z.string()),
  ports: z.string(),
  profile: z.enum(SCAN_PROFILES),
  credentialId: z.string().nullable(),
  schedule: z.string().nullable(),
  limits: jobLimitsSchema,
  hostsPerJob: z.number().int(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  lastRun: scanRunSummaryOutput.nullable(),
});

export const scanIdInput = z.object({ id: z.string().trim().min(1).max(64) });
