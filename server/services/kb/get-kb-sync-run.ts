import { AppError } from '../../errors/app-error';
import { KbSyncRunModel, type KbSyncRun } from '../../models/kb-sync-run.model';
import { KB_SYNC_MAX_RUN_MS } from './run-recorded-kb-sync';

export type KbSyncRunView = Omit<KbSyncRun, 'state'> & { state: KbSyncRun['state'] | 'interrupted' };

/** A run that stopped reporting for longer than a sync may take was cut off (node crash or restart). */
function withLiveness(run: KbSyncRun, now: Date): KbSyncRunView {
  const stale = run.state === 'running' && now.getTime() - run.heartbeatAt.getTime() > KB_SYNC_MAX_RUN_MS;
  return stale ? { ...run, state: 'interrupted' } : run;
}

/** One run by id, or the latest run when no id is given (null when none ever ran). */
export async function getKbSyncRun(options: { runId?: string; now?: Date }): Promise<KbSyncRunView | null> {
  const now = options.now ?? new Date();
  if (options.runId) {
    const run = await KbSyncRunModel.findById(options.runId).lean();
    if (!run) throw new AppError('NOT_FOUND', `KB sync run ${options.runId} not found`);
    return withLiveness(run, now);
  }
  const [latest] = await KbSyncRunModel.find({}).sort({ startedAt: -1 }).limit(1).lean();
  return latest ? withLiveness(latest, now) : null;
}
