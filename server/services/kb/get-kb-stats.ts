import { KB_SOURCES, type KbSourceId } from '../../kb/kb-types';
import { KbSourceStatusModel } from '../../models/kb-source-status.model';
import { readKbTotals } from './kb-totals';

export interface KbSourceStats {
  source: KbSourceId;
  records: number;
  contributions: number;
  lastImportAt: string | null;
  /** Hours since the data was last known current (an import, or a sync that found nothing new); null when never. */
  ageHours: number | null;
  lastSyncAt: string | null;
  lastSyncOutcome: 'updated' | 'not-modified' | 'failed' | null;
  lastSyncError: string | null;
  lastProblems: number;
  lastError: string | null;
}

export interface KbStats {
  vulnerabilities: number;
  kevListed: number;
  sources: KbSourceStats[];
}

export async function getKbStats(): Promise<KbStats> {
  const [statuses, { vulnerabilities, kevListed }] = await Promise.all([KbSourceStatusModel.find({}).lean(), readKbTotals()]);
  const bySource = new Map(statuses.map((s) => [s._id, s]));
  const now = Date.now();
  return {
    vulnerabilities,
    kevListed,
    sources: KB_SOURCES.map((source) => {
      const status = bySource.get(source);
      const lastImport = status?.lastImportAt ?? null;
      // A sync that found the upstream unchanged proves the data current as of then.
      const confirmed = status?.lastSyncOutcome && status.lastSyncOutcome !== 'failed' ? status.lastSyncAt : null;
      const last = [lastImport, confirmed].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
      return {
        source,
        records: status?.records ?? 0,
        contributions: status?.contributions ?? 0,
        lastImportAt: lastImport ? lastImport.toISOString() : null,
        ageHours: last ? Math.round(((now - last.getTime()) / 3_600_000) * 10) / 10 : null,
        lastProblems: status?.lastProblems ?? 0,
        lastError: status?.lastError ?? null,
        lastSyncAt: status?.lastSyncAt ? status.lastSyncAt.toISOString() : null,
        lastSyncOutcome: status?.lastSyncOutcome ?? null,
        lastSyncError: status?.lastSyncError ?? null,
      };
    }),
  };
}
