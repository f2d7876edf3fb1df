import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { ScanModel, type Scan } from '../../models/scan.model';
import { ScanRunModel, type ScanRun } from '../../models/scan-run.model';
import { toScanRunSummary } from './get-scan-run';
import { describeScanRef, scanFilter } from './scan-filter';
import type { ScanRef } from './scan-input';

export function toScanSummary(scan: Scan, lastRun: ScanRun | null) {
  return {
    id: scan._id,
    name: scan.name,
    businessUnitId: scan.businessUnitId,
    targets: scan.targets,
    exclusions: scan.exclusions,
    ports: scan.ports,
    profile: scan.profile,
    credentialId: scan.credentialId,
    schedule: scan.schedule,
    limits: scan.limits,
    hostsPerJob: scan.hostsPerJob,
    createdBy: scan.createdBy,
    createdAt: scan.createdAt.toISOString(),
    lastRun: lastRun ? toScanRunSummary(lastRun) : null,
  };
}
export type ScanSummary = ReturnType<typeof toScanSummary>;

const RUNS_SHOWN = 50;

/** The scans of the caller's units, each with its latest run. */
export async function listScans(options: { scope: Scope }): Promise<ScanSummary[]> {
  const scans = await ScanModel.find(scopeFilter(options.scope)).sort({ name: 1 }).lean<Scan[]>();
  const summaries: ScanSummary[] = [];
  for (const scan of scans) {
    const lastRun = await ScanRunModel.findOne({ scanId: scan._id }).sort({ createdAt: -1 }).lean<ScanRun>();
    summaries.push(toScanSummary(scan, lastRun));
  }
  return summaries;
}

/** One scan with its run history (newest first). */
export async function getScan(options: { scope: Scope; ref: ScanRef }) {
  const scan = await ScanModel.findOne(scanFilter(options.scope, options.ref)).lean<Scan>();
  if (!scan) throw new AppError('NOT_FOUND', `scan ${describeScanRef(options.ref)} not found`);
  const runs = await ScanRunModel.find({ scanId: scan._id }).sort({ createdAt: -1 }).limit(RUNS_SHOWN).lean<ScanRun[]>();
  return { ...toScanSummary(scan, runs[0] ?? null), runs: runs.map(toScanRunSummary) };
}
