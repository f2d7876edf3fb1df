import { createHash, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { AppError } from '../../errors/app-error';
import type { KbImporter, KbSourceId } from '../../kb/kb-types';
import { DEFAULT_KB_SOURCES } from '../../kb/sync/default-kb-sources';
import { fetchNvdApiPages } from '../../kb/sync/fetch-nvd-api';
import { fetchUpstream, type FetchLimits } from '../../kb/sync/fetch-upstream';
import { KbSourceConfigModel, type KbMirroredUrl } from '../../models/kb-source-config.model';
import { KbSourceStatusModel } from '../../models/kb-source-status.model';
import { importKbFiles } from './import-kb-files';

export interface SourceSyncReport {
  source: KbSourceId;
  outcome: 'updated' | 'not-modified' | 'failed' | 'skipped';
  downloaded: number;
  notModified: number;
  bytes: number;
  durationMs: number;
  import?: { problems: number; created: number; updated: number; unchanged: number };
  error?: string;
}

/** The URLs a source mirrors now: the operator's override, or the defaults. */
export async function effectiveSources() {
  const configs = new Map((await KbSourceConfigModel.find({}).lean()).map((c) => [c._id, c]));
  return DEFAULT_KB_SOURCES.map((defaults) => {
    const config = configs.get(defaults.id);
    return { ...defaults, urls: config?.urls ?? defaults.urls, enabled: config?.enabled ?? true, config };
  });
}

const fileNameFor = (url: string) => `${createHash('sha1').update(url).digest('hex').slice(0, 12)}-${path.basename(new URL(url).pathname) || 'index'}`;

/** An explicit list syncs exactly those sources; otherwise every enabled source with URLs. */
function isSelected(source: { id: KbSourceId; enabled: boolean; urls: string[] }, sourceIds: KbSourceId[] | undefined): boolean {
  return sourceIds ? sourceIds.includes(source.id) : source.enabled && source.urls.length > 0;
}

/** The sources a sync with these options would visit, in order. */
export async function plannedKbSources(sourceIds?: KbSourceId[]): Promise<KbSourceId[]> {
  return (await effectiveSources()).filter((source) => isSelected(source, sourceIds)).map((source) => source.id);
}

/**
 * Mirrors sources: conditional downloads (ETag / If-Modified-Since), then an idempotent import
 * of what changed. Validators are saved only for files that imported cleanly, so a failed
 * import is downloaded and retried next time. One failing source does not stop the others.
 */
export async function syncKbSources(options: {
  dataDir: string;
  importers: KbImporter[];
  trustedKeys: Map<string, KeyObject>;
  sourceIds?: KbSourceId[];
  limits?: Partial<FetchLimits>;
  nvdPageDelayMs?: number;
  onSourceStart?: (source: KbSourceId) => Promise<void> | void;
  onSource?: (report: SourceSyncReport) => Promise<void> | void;
}): Promise<SourceSyncReport[]> {
  const sources = await effectiveSources();
  const unknown = (options.sourceIds ?? []).filter((id) => !sources.some((s) => s.id === id));
  if (unknown.length > 0) throw new AppError('BAD_INPUT', `unknown KB source: ${unknown.join(', ')} (known: ${sources.map((s) => s.id).join(', ')})`);
  const reports: SourceSyncReport[] = [];
  for (const source of sources) {
    if (!isSelected(source, options.sourceIds)) continue;
    await options.onSourceStart?.(source.id);
    const report = await syncOne(source, options);
    reports.push(report);
    await options.onSource?.(report);
  }
  return reports;
}

async function syncOne(
  source: Awaited<ReturnType<typeof effectiveSources>>[number],
  options: Parameters<typeof syncKbSources>[0],
): Promise<SourceSyncReport> {
  const started = Date.now();
  const report: SourceSyncReport = { source: source.id, outcome: 'not-modified', downloaded: 0, notModified: 0, bytes: 0, durationMs: 0 };
  const destDir = path.join(options.dataDir, 'kb-mirror', source.id);
  const authHeader = typeof source.config?.authHeader === 'string' ? source.config.authHeader : null;
  const mirrored = new Map((source.config?.mirrored ?? []).map((m) => [m.url, m]));
  const fresh: KbMirroredUrl[] = [];
  const downloaded: { file: string; url: string; etag: string | null; lastModified: string | null; bytes: number }[] = [];
  const syncStartedAt = new Date();
  try {
    if (source.paging === 'nvd-api') {
      for (const url of source.urls) {
        const pages = await fetchNvdApiPages({ baseUrl: url, destDir, since: source.config?.nvdLastSyncAt ?? null, authHeader, limits: options.limits, pageDelayMs: options.nvdPageDelayMs ?? 6_000 });
        report.bytes += pages.bytes;
        downloaded.push(...pages.files.map((file) => ({ file, url, etag: null, lastModified: null, bytes: 0 })));
      }
    } else {
      for (const url of source.urls) {
        const previous = mirrored.get(url);
        const outcome = await fetchUpstream({ url, destDir, fileName: fileNameFor(url), etag: previous?.etag, lastModified: previous?.lastModified, authHeader, limits: options.limits });
        if (outcome.status === 'not-modified') {
          report.notModified += 1;
          if (previous) fresh.push(previous);
          continue;
        }
        report.bytes += outcome.bytes;
        downloaded.push({ file: outcome.file, url, etag: outcome.etag, lastModified: outcome.lastModified, bytes: outcome.bytes });
      }
    }
    report.downloaded = downloaded.length;
    if (downloaded.length > 0) {
      const imported = await importKbFiles({ paths: downloaded.map((d) => d.file), importers: options.importers, trustedKeys: options.trustedKeys });
      report.import = { problems: imported.problemCount, created: imported.merge.created, updated: imported.merge.updated, unchanged: imported.merge.unchanged };
      const failed = imported.files.filter((f) => f.error);
      for (const d of downloaded) {
        const fileReport = imported.files.find((f) => f.file === d.file);
        if (!fileReport?.error) fresh.push({ url: d.url, etag: d.etag, lastModified: d.lastModified, bytes: d.bytes, fetchedAt: new Date() });
      }
      if (failed.length > 0) throw new Error(failed.map((f) => `${path.basename(f.file)}: ${f.error}`).join('; '));
      report.outcome = 'updated';
    }
  } catch (error) {
    report.outcome = 'failed';
    report.error = (error as Error).message;
  }
  report.durationMs = Date.now() - started;
  await KbSourceConfigModel.updateOne(
    { _id: source.id },
    {
      $set: {
        // Validators of URLs that failed are dropped: they are downloaded whole next time.
        mirrored: fresh,
        ...(source.paging === 'nvd-api' && report.outcome !== 'failed' ? { nvdLastSyncAt: syncStartedAt } : {}),
      },
    },
    { upsert: true },
  );
  await KbSourceStatusModel.updateOne(
    { _id: source.id },
    { $set: { lastSyncAt: new Date(), lastSyncOutcome: report.outcome === 'skipped' ? null : report.outcome, lastSyncDurationMs: report.durationMs, lastSyncBytes: report.bytes, lastSyncError: report.error ?? null } },
    { upsert: true },
  );
  return report;
}
