import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { ScanJobModel } from '../../models/scan-job.model';
import { ScanRunModel, type ScanRun } from '../../models/scan-run.model';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { finishRunIfDone } from './finish-scan-job';

export type ScanRunAction = 'pause' | 'resume' | 'cancel';

const ALLOWED: Record<ScanRunAction, { from: ScanRun['status'][]; to: ScanRun['status'] }> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

/**
 * Pauses, resumes or cancels a run. Nodes learn it at their next heartbeat or upload and stop; hosts already
 * stored stay stored, and a resumed run scans only the hosts still missing.
 */
export async function controlScanRun(options: { scope: Scope; runId: string; action: ScanRunAction; actor: AuditActor; ip?: string | null }): Promise<ScanRun> {
  const run = await ScanRunModel.findOne({ ...scopeFilter(options.scope), _id: options.runId }).lean<ScanRun>();
  if (!run) throw new AppError('NOT_FOUND', `scan run ${options.runId} not found`);
  const rule = ALLOWED[options.action];
  if (!rule.from.includes(run.status)) throw new AppError('CONFLICT', `a ${run.status} run cannot be ${options.action}d`);
  const now = new Date();
  await ScanRunModel.updateOne({ _id: run._id }, { $set: { status: rule.to, ...(rule.to === 'cancelled' ? { finishedAt: now } : {}) } });
  if (options.action === 'cancel') {
    await ScanJobModel.updateMany({ runId: run._id, status: { $in: ['queued', 'leased'] } }, { $set: { status: 'cancelled', finishedAt: now } });
  }
  // A run resumed after its last job ended while paused is complete now.
  if (options.action === 'resume') await finishRunIfDone({ runId: run._id, now });
  await recordAudit({ actor: options.actor, action: `scan.${options.action}`, target: { type: 'scan-run', id: run._id, label: run.scanName }, ip: options.ip ?? null, outcome: 'success', businessUnitId: run.businessUnitId });
  return { ...run, status: rule.to };
}
