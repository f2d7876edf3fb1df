import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { KbImporter, KbSourceId } from '../../kb/kb-types';
import { KbSyncRunModel, type KbSyncRun, type KbSyncRunSource, type KbSyncRunState } from '../../models/kb-sync-run.model';
import { plannedKbSources, syncKbSources, type SourceSyncReport } from './sync-kb-sources';

/** The scheduler job name (and so the lease) shared by the daily sync and "sync now". */
export const KB_SYNC_JOB = 'kb-sync';
export const KB_SYNC_MAX_RUN_MS = 6 * 3_600_000;

export interface RecordedSyncOptions {
  trigger: KbSyncRun['trigger'];
  requestedBy?: string | null;
  sourceIds?: KbSourceId[];
  dataDir: string;
  importers: KbImporter[];
  trustedKeys: Map<string, KeyObject>;
}

function stateOf(reports: SourceSyncReport[]): KbSyncRunState {
  const failed = reports.filter((r) => r.outcome === 'failed').length;
  return failed === 0 ? 'succeeded' : failed === reports.length ? 'failed' : 'partial';
}

/** Creates the run record with every planned source pending, so progress can be shown at once. */
export async function createKbSyncRun(options: Pick<RecordedSyncOptions, 'trigger' | 'requestedBy' | 'sourceIds'>): Promise<KbSyncRun> {
  const now = new Date();
  const order = await plannedKbSources(options.sourceIds);
  const pending = (): KbSyncRunSource => ({
    state: 'pending',
    outcome: null,
    downloaded: 0,
    bytes: 0,
    created: 0,
    updated: 0,
    durationMs: null,
    error: null,
  });
  const run = await KbSyncRunModel.create({
    _id: randomUUID(),
    trigger: options.trigger,
    requestedBy: options.requestedBy ?? null,
    state: 'running',
    order,
    sources: Object.fromEntries(order.map((source) => [source, pending()])),
    startedAt: now,
    heartbeatAt: now,
  });
  return run.toObject();
}

/**
 * Runs a mirror sync and records its progress source by source in a run record. The caller
 * holds the cluster-wide KB sync lease. A crash leaves the run "running" with an old
 * heartbeat, which readers show as interrupted; the KB itself stays consistent (see syncKbSources).
 */
export async function runRecordedKbSync(options: RecordedSyncOptions & { run?: KbSyncRun }): Promise<{ run: KbSyncRun; reports: SourceSyncReport[] }> {
  const run = options.run ?? (await createKbSyncRun(options));
  const setSource = (source: KbSourceId, fields: Partial<KbSyncRunSource>) =>
    KbSyncRunModel.updateOne(
      { _id: run._id },
      { $set: { heartbeatAt: new Date(), ...Object.fromEntries(Object.entries(fields).map(([key, value]) => [`sources.${source}.${key}`, value])) } },
    );
  try {
    const reports = await syncKbSources({
      dataDir: options.dataDir,
      importers: options.importers,
      trustedKeys: options.trustedKeys,
      sourceIds: options.sourceIds,
      onSourceStart: async (source) => {
        await setSource(source, { state: 'running' });
      },
      onSource: async (report) => {
        await setSource(report.source, {
          state: 'done',
          outcome: report.outcome,
          downloaded: report.downloaded,
          bytes: report.bytes,
          created: report.import?.created ?? 0,
          updated: report.import?.updated ?? 0,
          durationMs: report.durationMs,
          error: report.error ?? null,
        });
      },
    });
    await KbSyncRunModel.updateOne({ _id: run._id }, { $set: { state: stateOf(reports), finishedAt: new Date(), heartbeatAt: new Date() } });
    return { run: (await KbSyncRunModel.findById(run._id).lean())!, reports };
  } catch (error) {
    await KbSyncRunModel.updateOne({ _id: run._id }, { $set: { state: 'failed', error: (error as Error).message, finishedAt: new Date(), heartbeatAt: new Date() } });
    throw error;
  }
}
