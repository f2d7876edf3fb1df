import { randomUUID } from 'node:crypto';
import { deploymentReportInput } from '../../../../server/trpc/routers/deployment/deployment-report.procedure';
import type { DeploymentReportInput } from '../../../../server/services/deployment/record-deployment-report';

export const APPLIED_COMMIT = '4be1c0e6f5a2d39b7c8e0f1a2b3c4d5e6f708192';
export const SIGNER_FINGERPRINT = 'SHA256:W8mYgpqUspwRoRAYB949pM1uqG+5T/esSDCEpXAJ6fg';

/** A changed task of a drift check, with a unified diff that carries `marker`. */
export function driftTask(task: string, marker: string): { play: string; task: string; diff: string } {
  return {
    play: 'Vigil consoles',
    task,
    diff: `--- before: /etc/vigil/vigil.env\n+++ after: /etc/vigil/vigil.env\n@@ -3 +3 @@\n-VIGIL_LOG_LEVEL=debug ${marker}\n+VIGIL_LOG_LEVEL=info`,
  };
}

/**
 * A report as `vigil-gitops` sends it (JSON, ISO times): a node in sync at APPLIED_COMMIT, finished at `at`.
 * `overrides` replaces whole top-level fields.
 */
export function sampleReport(node: string, overrides: Record<string, unknown> = {}, at: Date = new Date()): Record<string, unknown> {
  const iso = (offsetMs: number) => new Date(at.getTime() + offsetMs).toISOString();
  return {
    node,
    reportId: randomUUID(),
    kind: 'reconcile',
    startedAt: iso(-42_000),
    finishedAt: iso(0),
    intervalSeconds: 900,
    applied: { sha: APPLIED_COMMIT, subject: 'Raise the scanner rate limit to 200/s', committedAt: iso(-7_200_000), appliedAt: iso(-3_600_000), signer: 'ops@example.org', fingerprint: SIGNER_FINGERPRINT },
    reconcile: { at: iso(-30_000), commit: APPLIED_COMMIT, result: 'unchanged', verification: 'ok', changed: 0, message: null },
    drift: { checkedAt: iso(0), commit: APPLIED_COMMIT, state: 'none', changedTasks: 0, truncated: false, error: null, tasks: [] },
    ...overrides,
  };
}

/** The drift part of a report whose check found `tasks` changed. */
export function driftedPart(tasks: { play: string; task: string; diff: string }[], at: Date = new Date()): Record<string, unknown> {
  return { checkedAt: at.toISOString(), commit: APPLIED_COMMIT, state: 'drift', changedTasks: tasks.length, truncated: false, error: null, tasks };
}

/** The same report as the service takes it, through the endpoint's own schema. */
export function serviceReport(report: Record<string, unknown>): DeploymentReportInput {
  return deploymentReportInput.parse(report);
}
