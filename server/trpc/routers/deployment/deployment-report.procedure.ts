import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { DRIFT_STATES, RECONCILE_RESULTS, REPORT_KINDS, VERIFICATION_RESULTS } from '../../../models/deployment-report.model';
import { MAX_DRIFT_SUMMARY_BYTES, driftSummaryBytes, recordDeploymentReport } from '../../../services/deployment/record-deployment-report';
import { permittedProcedure } from '../../init';

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with its offset' }).transform((value) => new Date(value));
const commitId = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, { message: 'must be a full commit id (40 or 64 lowercase hex digits)' });
const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });

/** What `vigil-gitops` sends after each reconcile or drift run (ansible/README.md "GitOps"): the node's whole GitOps state. */
export const deploymentReportInput = z
  .object({
    /** The node's name in the cluster inventory (vigil_gitops_host). */
    node: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/, { message: 'must be an inventory host name (letters, digits, . _ -)' }),
    /** Chosen by the node; a report sent again with the same id is stored once. */
    reportId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, { message: 'must be 8-64 letters, digits or dashes' }),
    kind: z.enum(REPORT_KINDS),
    startedAt: isoTime,
    finishedAt: isoTime,
    /** The node's timer interval: it is shown as stale after two of them without a report (default 1 h). */
    intervalSeconds: z.number().int().min(60).max(7 * 86_400).nullable().default(null),
    applied: z
      .object({
        sha: commitId,
        subject: text(1000).nullable(),
        committedAt: isoTime.nullable(),
        appliedAt: isoTime.nullable(),
        signer: text(500).nullable(),
        fingerprint: text(200).nullable(),
      })
      .nullable()
      .default(null),
    reconcile: z
      .object({
        at: isoTime,
        commit: commitId.nullable(),
        result: z.enum(RECONCILE_RESULTS),
        verification: z.enum(VERIFICATION_RESULTS).nullable(),
        changed: z.number().int().min(0).nullable(),
        message: text(16_384).nullable(),
      })
      .nullable()
      .default(null),
    drift: z
      .object({
        checkedAt: isoTime,
        commit: commitId.nullable(),
        state: z.enum(DRIFT_STATES),
        changedTasks: z.number().int().min(0),
        truncated: z.boolean(),
        error: text(16_384).nullable(),
        /** At most 64 KiB in all (play, task and diff, UTF-8); larger is refused with 413. */
        tasks: z.array(z.object({ play: text(1000), task: text(1000), diff: z.string() })).max(1000),
      })
      .nullable()
      .default(null),
  })
  .refine((report) => report.finishedAt >= report.startedAt, { path: ['finishedAt'], message: 'is before startedAt' })
  .refine((report) => !report.drift || report.drift.changedTasks >= report.drift.tasks.length, { path: ['drift', 'changedTasks'], message: 'is less than the number of tasks sent' });

export const deploymentReportOutput = z.object({
  id: z.string(),
  /** false: a report with this id was stored before (the node sent it again). */
  stored: z.boolean(),
});

/** A node reports with an API token holding `deployment:report` (a Bearer request: no CSRF header). */
export const deploymentReport = permittedProcedure('deployment:report')
  .meta({ openapi: { method: 'POST', path: '/deployment/reports', tags: ['deployment'], protect: true, summary: 'A GitOps report of a node: applied commit, verification, reconciliation, drift (vigil-gitops sends it)' } })
  .input(deploymentReportInput)
  .output(deploymentReportOutput)
  .mutation(({ ctx, input }) => {
    const bytes = driftSummaryBytes(input.drift?.tasks ?? []);
    if (bytes > MAX_DRIFT_SUMMARY_BYTES) {
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `drift.tasks: the changed-task summary is ${bytes} bytes; at most ${MAX_DRIFT_SUMMARY_BYTES} are accepted (vigil-gitops cuts its own to fit)` });
    }
    return recordDeploymentReport({ encryption: ctx.runtime.encryption, report: input, tokenId: ctx.principal.tokenId ?? null });
  });
