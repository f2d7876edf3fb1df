import {
  DeploymentReportModel,
  WITHOUT_OUTPUT,
  type AppliedCommit,
  type DeploymentReport,
  type DeploymentReportOutput,
  type DriftOutcome,
  type DriftState,
  type DriftTask,
  type ReconcileOutcome,
  type ReconcileResult,
  type ReportKind,
  type VerificationResult,
} from '../../models/deployment-report.model';

/** The timer interval assumed for a node that does not send its own: stale after two hours without a report. */
export const DEFAULT_INTERVAL_SECONDS = 3600;
/** Runs listed per node (of the REPORT_HISTORY_PER_NODE kept). */
export const RECENT_RUNS = 10;

export interface DeploymentRun {
  id: string;
  kind: ReportKind;
  finishedAt: Date;
  durationSeconds: number;
  commit: string | null;
  reconcileResult: ReconcileResult | null;
  verification: VerificationResult | null;
  driftState: DriftState | null;
  changedTasks: number | null;
}

export interface DeploymentNodeStatus {
  node: string;
  /** When the console received the newest report. */
  lastReportAt: Date;
  ageSeconds: number;
  /** No report for two timer intervals: the node's timer, network or token may be broken. */
  stale: boolean;
  staleAfterSeconds: number;
  intervalSeconds: number | null;
  lastRun: DeploymentRun;
  applied: AppliedCommit | null;
  reconcile: (ReconcileOutcome & { message: string | null }) | null;
  drift: (DriftOutcome & { error: string | null; tasks: DriftTask[] }) | null;
  /** Newest first, the last included. */
  recentRuns: DeploymentRun[];
  /** Reports kept for this node (REPORT_HISTORY_PER_NODE at most, once pruned). */
  storedReports: number;
}

function toRun(doc: Pick<DeploymentReport, '_id' | 'kind' | 'startedAt' | 'finishedAt' | 'applied' | 'reconcile' | 'drift'>): DeploymentRun {
  return {
    id: doc._id,
    kind: doc.kind,
    finishedAt: doc.finishedAt,
    durationSeconds: Math.max(0, Math.round((doc.finishedAt.getTime() - doc.startedAt.getTime()) / 1000)),
    commit: doc.applied?.sha ?? null,
    reconcileResult: doc.reconcile?.result ?? null,
    verification: doc.reconcile?.verification ?? null,
    driftState: doc.drift?.state ?? null,
    changedTasks: doc.drift?.changedTasks ?? null,
  };
}

async function nodeStatus(node: string, now: number): Promise<DeploymentNodeStatus | null> {
  // Nodes stamp runs to the second, so two runs can finish in one; the console's own receipt time (to the
  // millisecond, reports arrive in the order they were made) breaks the tie, not the random report id.
  const newestFirst = { finishedAt: -1, receivedAt: -1, _id: -1 } as const;
  const recent = await DeploymentReportModel.find({ node }, WITHOUT_OUTPUT).sort(newestFirst).limit(RECENT_RUNS).lean();
  const last = recent[0];
  if (!last) return null;
  // Decrypted on read (auto-decryption); only the newest report's output is shown.
  const output = ((await DeploymentReportModel.findById(last._id, { output: 1 }).lean())?.output ?? null) as DeploymentReportOutput | null;
  const staleAfterSeconds = 2 * (last.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS);
  const ageSeconds = Math.max(0, Math.floor((now - last.receivedAt.getTime()) / 1000));
  return {
    node,
    lastReportAt: last.receivedAt,
    ageSeconds,
    stale: ageSeconds > staleAfterSeconds,
    staleAfterSeconds,
    intervalSeconds: last.intervalSeconds,
    lastRun: toRun(last),
    applied: last.applied,
    reconcile: last.reconcile ? { ...last.reconcile, message: output?.reconcileMessage ?? null } : null,
    drift: last.drift ? { ...last.drift, error: output?.driftError ?? null, tasks: output?.driftTasks ?? [] } : null,
    recentRuns: recent.map(toRun),
    storedReports: await DeploymentReportModel.countDocuments({ node }),
  };
}

/**
 * Every node that has reported, by name, with its newest report: the applied commit, the last reconciliation and
 * drift check, and whether it has gone quiet. Installation-wide (not unit-scoped): the transport admits admins only.
 */
export async function listDeploymentNodes(options: { now?: Date } = {}): Promise<DeploymentNodeStatus[]> {
  const now = (options.now ?? new Date()).getTime();
  const nodes = ((await DeploymentReportModel.distinct('node')) as string[]).sort();
  const statuses = await Promise.all(nodes.map((node) => nodeStatus(node, now)));
  return statuses.filter((status): status is DeploymentNodeStatus => status !== null);
}
