import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { ScanHostResultModel, ScanJobModel } from '../../models/scan-job.model';
import { ScanRunModel, type ScanRun } from '../../models/scan-run.model';

export interface ScanRunHost {
  address: string;
  reachable: boolean;
  openPorts: number;
  assetId: string | null;
  nodeId: string;
  problems: { stage: string; message: string }[];
  receivedAt: string;
}

export interface ScanRunView {
  id: string;
  scanId: string;
  scanName: string;
  businessUnitId: string;
  profile: ScanRun['profile'];
  status: ScanRun['status'];
  trigger: ScanRun['trigger'];
  launchedBy: string;
  createdAt: string;
  finishedAt: string | null;
  targetProblems: { target: string; message: string }[];
  progress: { hostsTotal: number; hostsDone: number; jobs: Record<string, number>; resumedJobs: number };
  hosts: ScanRunHost[];
}

export function toScanRunSummary(run: ScanRun) {
  return {
    id: run._id,
    scanId: run.scanId,
    scanName: run.scanName,
    businessUnitId: run.businessUnitId,
    profile: run.profile,
    status: run.status,
    trigger: run.trigger,
    launchedBy: run.launchedBy,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    targetProblems: run.targetProblems,
  };
}

/** One run with its progress per host; out-of-scope runs read as not found. */
export async function getScanRun(options: { scope: Scope; runId: string }): Promise<ScanRunView> {
  const run = await ScanRunModel.findOne({ ...scopeFilter(options.scope), _id: options.runId }).lean<ScanRun>();
  if (!run) throw new AppError('NOT_FOUND', `scan run ${options.runId} not found`);
  const [jobs, hosts] = await Promise.all([
    ScanJobModel.find({ runId: run._id }, { status: 1, attempts: 1 }).lean(),
    ScanHostResultModel.find({ runId: run._id }).sort({ receivedAt: 1 }).lean(),
  ]);
  const byStatus: Record<string, number> = {};
  for (const job of jobs) byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
  return {
    ...toScanRunSummary(run),
    progress: { hostsTotal: run.hostsTotal, hostsDone: hosts.length, jobs: byStatus, resumedJobs: jobs.filter((job) => job.attempts > 1).length },
    hosts: hosts.map((h) => ({ address: h.address, reachable: h.reachable, openPorts: h.openPorts, assetId: h.assetId, nodeId: h.nodeId, problems: h.problems, receivedAt: h.receivedAt.toISOString() })),
  };
}
