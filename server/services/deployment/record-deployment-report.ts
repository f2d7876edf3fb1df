import type { FieldEncryption } from '../../crypto/encryption';
import {
  DeploymentReportModel,
  type AppliedCommit,
  type DeploymentReportOutput,
  type DriftOutcome,
  type DriftTask,
  type ReconcileOutcome,
  type ReportKind,
} from '../../models/deployment-report.model';
import { isDuplicateKeyError } from '../../db/duplicate-key';

/** Reports kept per node (its newest included); older ones are deleted as new ones arrive. */
export const REPORT_HISTORY_PER_NODE = 50;

/** The changed-task summary a node may send (play, task and diff of each, UTF-8): vigil-gitops cuts its own to fit. */
export const MAX_DRIFT_SUMMARY_BYTES = 64 * 1024;

/** A report as `vigil-gitops` sends it (ansible/README.md "GitOps"), validated by the transport. */
export interface DeploymentReportInput {
  node: string;
  reportId: string;
  kind: ReportKind;
  startedAt: Date;
  finishedAt: Date;
  intervalSeconds: number | null;
  applied: AppliedCommit | null;
  reconcile: (ReconcileOutcome & { message: string | null }) | null;
  drift: (DriftOutcome & { error: string | null; tasks: DriftTask[] }) | null;
}

export const reportDocumentId = (node: string, reportId: string) => `${node}|${reportId}`;

export function driftSummaryBytes(tasks: readonly DriftTask[]): number {
  return tasks.reduce((sum, task) => sum + Buffer.byteLength(task.play) + Buffer.byteLength(task.task) + Buffer.byteLength(task.diff), 0);
}

/** Deletes the node's reports beyond the newest REPORT_HISTORY_PER_NODE (no TTL indexes on FerretDB). */
async function pruneHistory(node: string): Promise<number> {
  const old = await DeploymentReportModel.find({ node }, { _id: 1 }).sort({ finishedAt: -1, receivedAt: -1, _id: -1 }).skip(REPORT_HISTORY_PER_NODE).lean();
  if (old.length === 0) return 0;
  const { deletedCount } = await DeploymentReportModel.deleteMany({ _id: { $in: old.map((doc) => doc._id) } });
  return deletedCount;
}

/**
 * Stores a node's GitOps report and keeps its history bounded. Reports are installation-wide (a node serves every
 * business unit), so nothing here is unit-scoped; the transport admits only holders of `deployment:report`.
 * A report the node sends again, because it never saw the answer, is stored once.
 */
export async function recordDeploymentReport(options: {
  encryption: FieldEncryption;
  report: DeploymentReportInput;
  tokenId: string | null;
  now?: Date;
}): Promise<{ id: string; stored: boolean }> {
  const { report } = options;
  const id = reportDocumentId(report.node, report.reportId);
  const { reconcile, drift } = report;
  const output: DeploymentReportOutput = { reconcileMessage: reconcile?.message ?? null, driftError: drift?.error ?? null, driftTasks: drift?.tasks ?? [] };
  try {
    await DeploymentReportModel.create({
      _id: id,
      node: report.node,
      reportId: report.reportId,
      kind: report.kind,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      receivedAt: options.now ?? new Date(),
      intervalSeconds: report.intervalSeconds,
      applied: report.applied,
      // What git and ansible said goes to `output` (encrypted); these are the plain facts the status list shows.
      reconcile: reconcile ? ({ at: reconcile.at, commit: reconcile.commit, result: reconcile.result, verification: reconcile.verification, changed: reconcile.changed } satisfies ReconcileOutcome) : null,
      drift: drift ? ({ checkedAt: drift.checkedAt, commit: drift.commit, state: drift.state, changedTasks: drift.changedTasks, truncated: drift.truncated } satisfies DriftOutcome) : null,
      output: await options.encryption.encrypt({ ...output }, { purpose: 'evidence' }),
      tokenId: options.tokenId,
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) return { id, stored: false };
    throw error;
  }
  await pruneHistory(report.node);
  return { id, stored: true };
}
