import cron from 'node-cron';
import { SYSTEM_SCOPE } from '../../auth/scope';
import { ScanModel, type Scan } from '../../models/scan.model';
import { ScanRunModel } from '../../models/scan-run.model';
import { claimOnce } from '../auth/auth-claim';
import { launchScan } from './launch-scan';

const MINUTE_MS = 60_000;
/** Occurrences missed longer ago than this (every console down) are not caught up. */
export const SCHEDULE_CATCH_UP_MS = 24 * 3_600_000;
const SCHEDULER_ACTOR = { type: 'system' as const, id: 'scheduler' };

/** The latest minute in (after, now] that the cron expression names, if any. */
export function latestOccurrence(options: { schedule: string; after: Date; now: Date }): Date | null {
  const task = cron.createTask(options.schedule, () => undefined);
  try {
    const floor = Math.max(options.after.getTime(), options.now.getTime() - SCHEDULE_CATCH_UP_MS);
    for (let minute = Math.floor(options.now.getTime() / MINUTE_MS) * MINUTE_MS; minute > floor; minute -= MINUTE_MS) {
      if (task.match(new Date(minute))) return new Date(minute);
    }
    return null;
  } finally {
    void task.destroy();
  }
}

export interface DueScanOutcome {
  scan: string;
  occurrence: string;
  outcome: 'launched' | 'skipped: previous run still active';
  runId?: string;
}

/**
 * Launches every scheduled scan whose cron expression fired since it was last launched. Every console node runs
 * this each minute; the unique claim of (scan, occurrence) makes each occurrence launch once per cluster. Missed
 * occurrences (consoles down) collapse into one launch of the latest, within SCHEDULE_CATCH_UP_MS; an occurrence
 * that finds the previous run still running or paused is skipped, not queued behind it.
 */
export async function launchDueScans(options: { now?: Date } = {}): Promise<DueScanOutcome[]> {
  const now = options.now ?? new Date();
  const outcomes: DueScanOutcome[] = [];
  const scans = await ScanModel.find({ schedule: { $ne: null } }).lean<Scan[]>();
  for (const scan of scans) {
    const occurrence = latestOccurrence({ schedule: scan.schedule!, after: scan.lastScheduledFor ?? scan.createdAt, now });
    if (!occurrence) continue;
    const claim = await claimOnce(`scan-schedule:${scan._id}:${occurrence.toISOString()}`, 2 * SCHEDULE_CATCH_UP_MS, now);
    if (!claim) continue;
    await ScanModel.updateOne({ _id: scan._id }, { $set: { lastScheduledFor: occurrence } });
    const active = await ScanRunModel.exists({ scanId: scan._id, status: { $in: ['running', 'paused'] } });
    if (active) {
      outcomes.push({ scan: scan.name, occurrence: occurrence.toISOString(), outcome: 'skipped: previous run still active' });
      continue;
    }
    const run = await launchScan({ scope: SYSTEM_SCOPE, ref: { id: scan._id }, actor: SCHEDULER_ACTOR, trigger: 'schedule' });
    outcomes.push({ scan: scan.name, occurrence: occurrence.toISOString(), outcome: 'launched', runId: run._id });
  }
  return outcomes;
}
