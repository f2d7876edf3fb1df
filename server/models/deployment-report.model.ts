import { Schema } from 'mongoose';
import { defineModel } from './define-model';

export const RECONCILE_RESULTS = ['applied', 'unchanged', 'refused', 'failed', 'rolled-back', 'held'] as const;
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number];

/** Of the branch head a reconciliation looked at: signed by an allowed signer, not signed, or signed by someone else. */
export const VERIFICATION_RESULTS = ['ok', 'unsigned', 'untrusted'] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

export const DRIFT_STATES = ['none', 'drift', 'error'] as const;
export type DriftState = (typeof DRIFT_STATES)[number];

export const REPORT_KINDS = ['reconcile', 'drift'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The commit a node runs: verified before it was applied. */
export interface AppliedCommit {
  sha: string;
  subject: string | null;
  committedAt: Date | null;
  appliedAt: Date | null;
  /** The allowed signer that signed it (SSH principal or OpenPGP user id) and its key fingerprint. */
  signer: string | null;
  fingerprint: string | null;
}

export interface ReconcileOutcome {
  at: Date;
  /** The branch head this run fetched (null when the fetch itself failed). */
  commit: string | null;
  result: ReconcileResult;
  verification: VerificationResult | null;
  /** Tasks that changed the node when the commit was applied. */
  changed: number | null;
}

export interface DriftOutcome {
  checkedAt: Date;
  commit: string | null;
  state: DriftState;
  changedTasks: number;
  /** The node sent fewer changed tasks (or shorter diffs) than there were, to stay within its 64 KiB. */
  truncated: boolean;
}

export interface DriftTask {
  play: string;
  task: string;
  diff: string;
}

/** What git and ansible said: it may quote the node's configuration, so it is stored encrypted like scan evidence. */
export interface DeploymentReportOutput {
  reconcileMessage: string | null;
  driftError: string | null;
  driftTasks: DriftTask[];
}

/**
 * One GitOps report of a node (`vigil-gitops` after each reconcile or drift run): a snapshot of the node's whole
 * GitOps state, so its newest report alone says where the node stands. The last reports of each node are kept.
 */
export interface DeploymentReport {
  /** `<node>:<reportId>`: a report sent again (its answer was lost) is stored once. */
  _id: string;
  node: string;
  reportId: string;
  kind: ReportKind;
  startedAt: Date;
  finishedAt: Date;
  /** The console's clock: how long ago the node was last heard of. */
  receivedAt: Date;
  /** The node's timer interval: it counts as stale after two of them without a report. */
  intervalSeconds: number | null;
  applied: AppliedCommit | null;
  reconcile: ReconcileOutcome | null;
  drift: DriftOutcome | null;
  /** BinData subtype 6 on disk (random encryption, purpose "evidence"); a DeploymentReportOutput once decrypted. */
  output: unknown;
  /** The API token that sent it. */
  tokenId: string | null;
}

const deploymentReportSchema = new Schema<DeploymentReport>(
  {
    _id: { type: String, required: true },
    node: { type: String, required: true },
    reportId: { type: String, required: true },
    kind: { type: String, enum: REPORT_KINDS, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    intervalSeconds: { type: Number, default: null },
    applied: { type: Schema.Types.Mixed, default: null },
    reconcile: { type: Schema.Types.Mixed, default: null },
    drift: { type: Schema.Types.Mixed, default: null },
    output: { type: Schema.Types.Mixed, required: true },
    tokenId: { type: String, default: null },
  },
  { collection: 'deployment_reports', versionKey: false, minimize: false },
);
deploymentReportSchema.index({ node: 1, finishedAt: -1 });

export const DeploymentReportModel = defineModel<DeploymentReport>('DeploymentReport', deploymentReportSchema);

/** Reads that do not show the output leave its ciphertext in the database. */
export const WITHOUT_OUTPUT = { output: 0 } as const;
