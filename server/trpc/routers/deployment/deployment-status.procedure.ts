import { z } from 'zod';
import { DRIFT_STATES, RECONCILE_RESULTS, REPORT_KINDS, VERIFICATION_RESULTS } from '../../../models/deployment-report.model';
import { listDeploymentNodes } from '../../../services/deployment/list-deployment-nodes';
import { permittedProcedure } from '../../init';

const runOutput = z.object({
  id: z.string(),
  kind: z.enum(REPORT_KINDS),
  finishedAt: z.date(),
  durationSeconds: z.number().int(),
  /** The applied commit after the run. */
  commit: z.string().nullable(),
  reconcileResult: z.enum(RECONCILE_RESULTS).nullable(),
  verification: z.enum(VERIFICATION_RESULTS).nullable(),
  driftState: z.enum(DRIFT_STATES).nullable(),
  changedTasks: z.number().int().nullable(),
});

export const deploymentNodeOutput = z.object({
  node: z.string(),
  lastReportAt: z.date(),
  ageSeconds: z.number().int(),
  /** No report for two timer intervals (the node's own, or 1 h when it sent none). */
  stale: z.boolean(),
  staleAfterSeconds: z.number().int(),
  intervalSeconds: z.number().int().nullable(),
  lastRun: runOutput,
  applied: z
    .object({
      sha: z.string(),
      subject: z.string().nullable(),
      committedAt: z.date().nullable(),
      appliedAt: z.date().nullable(),
      signer: z.string().nullable(),
      fingerprint: z.string().nullable(),
    })
    .nullable(),
  reconcile: z
    .object({
      at: z.date(),
      commit: z.string().nullable(),
      result: z.enum(RECONCILE_RESULTS),
      verification: z.enum(VERIFICATION_RESULTS).nullable(),
      changed: z.number().int().nullable(),
      message: z.string().nullable(),
    })
    .nullable(),
  drift: z
    .object({
      checkedAt: z.date(),
      commit: z.string().nullable(),
      state: z.enum(DRIFT_STATES),
      changedTasks: z.number().int(),
      truncated: z.boolean(),
      error: z.string().nullable(),
      tasks: z.array(z.object({ play: z.string(), task: z.string(), diff: z.string() })),
    })
    .nullable(),
  recentRuns: z.array(runOutput),
  storedReports: z.number().int(),
});

export const deploymentStatusOutput = z.object({ items: z.array(deploymentNodeOutput) });

/** Installation-wide state, so admin-level like the other installation settings (settings:manage). */
export const deploymentStatus = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'GET', path: '/deployment/status', tags: ['deployment'], protect: true, summary: 'Every reporting node: applied commit, verification, last reconciliation, drift, stale or not' } })
  .input(z.void())
  .output(deploymentStatusOutput)
  .query(async () => ({ items: await listDeploymentNodes() }));
