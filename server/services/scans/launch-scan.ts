import { randomUUID } from 'node:crypto';
import type { Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { ScanModel, type Scan } from '../../models/scan.model';
import { ScanJobModel, type ScanJob } from '../../models/scan-job.model';
import { ScanRunModel, type ScanRun } from '../../models/scan-run.model';
import { expandTargets } from '../../../scanner/targets';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { describeScanRef, scanFilter } from './scan-filter';
import type { ScanRef } from './scan-input';

/** Starts a run of a scan: expands its targets (exclusions win) and queues one job per `hostsPerJob` hosts. */
export async function launchScan(options: { scope: Scope; ref: ScanRef; actor: AuditActor; trigger?: ScanRun['trigger']; ip?: string | null }): Promise<ScanRun> {
  const scan = await ScanModel.findOne(scanFilter(options.scope, options.ref)).lean<Scan>();
  if (!scan) throw new AppError('NOT_FOUND', `scan ${describeScanRef(options.ref)} not found`);
  const expanded = expandTargets({ targets: scan.targets, exclusions: scan.exclusions });
  const now = new Date();
  const run: ScanRun = {
    _id: randomUUID(),
    scanId: scan._id,
    scanName: scan.name,
    businessUnitId: scan.businessUnitId,
    profile: scan.profile,
    status: expanded.hosts.length ? 'running' : 'completed',
    trigger: options.trigger ?? 'manual',
    launchedBy: options.actor.email ?? options.actor.id ?? options.actor.type,
    hostsTotal: expanded.hosts.length,
    targetProblems: expanded.problems,
    createdAt: now,
    finishedAt: expanded.hosts.length ? null : now,
  };
  await ScanRunModel.create(run);
  const jobs: ScanJob[] = [];
  for (let i = 0; i < expanded.hosts.length; i += scan.hostsPerJob) {
    jobs.push({
      _id: randomUUID(),
      runId: run._id,
      scanId: scan._id,
      businessUnitId: scan.businessUnitId,
      hosts: expanded.hosts.slice(i, i + scan.hostsPerJob),
      status: 'queued',
      leaseId: null,
      nodeId: null,
      leaseExpiresAt: null,
      attempts: 0,
      lastError: null,
      // Distinct, ordered times keep the queue first-in first-out within the run.
      createdAt: new Date(now.getTime() + jobs.length),
      finishedAt: null,
    });
  }
  for (const job of jobs) await ScanJobModel.create(job);
  await recordAudit({ actor: options.actor, action: 'scan.launch', target: { type: 'scan', id: scan._id, label: scan.name }, ip: options.ip ?? null, outcome: 'success', businessUnitId: scan.businessUnitId, details: { run: run._id, hosts: run.hostsTotal, trigger: run.trigger } });
  return run;
}
