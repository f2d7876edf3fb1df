import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors/app-error';
import type { KeyObject } from 'node:crypto';
import { BUNDLE_MAGIC, readBundleContributions, verifyBundle } from '../../kb/kb-bundle';
import { readHead } from '../../kb/importers/open-upstream-file';
import type { KbFormatId, KbImporter, KbImportProblem, KbSourceId } from '../../kb/kb-types';
import { KbContributionModel } from '../../models/kb-contribution.model';
import { KbSourceStatusModel } from '../../models/kb-source-status.model';
import { mergePendingContributions, type MergeResult } from './merge-pending-contributions';
import { loadStoredIndex, storeContributions, type StoredIndex, type StoreResult } from './store-contributions';

export interface FileImportReport extends Partial<StoreResult> {
  file: string;
  format: KbFormatId | 'vigil-kb-bundle' | null;
  source: KbSourceId | 'bundle' | null;
  problems: number;
  error?: string;
}

export interface KbImportReport {
  files: FileImportReport[];
  /** Record-level problems, the first 1000 (each names its file and record). */
  problems: KbImportProblem[];
  problemCount: number;
  merge: MergeResult;
}

const MAX_PROBLEMS_KEPT = 1000;
/** Files in a fixture or mirror folder that are documentation, not feed data. */
const NOT_FEED_DATA = /^(README(\..*)?|MANIFEST\.json|LICENSE(\..*)?)$/i;

/** Expands directories (recursively, sorted) into files; explicit files are kept as given. */
export function expandPaths(paths: string[]): { file: string; explicit: boolean }[] {
  const out: { file: string; explicit: boolean }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && !NOT_FEED_DATA.test(entry.name)) out.push({ file: full, explicit: false });
    }
  };
  for (const p of paths) {
    let stats;
    try {
      stats = statSync(p);
    } catch {
      throw new AppError('BAD_INPUT', `${p}: no such file or directory`);
    }
    if (stats.isDirectory()) walk(p);
    else out.push({ file: p, explicit: true });
  }
  return out;
}

export async function detectImporter(importers: KbImporter[], file: string): Promise<KbImporter | undefined> {
  const head = await readHead(file);
  return importers.find((importer) => importer.detect({ fileName: path.basename(file), head }));
}

/**
 * Imports upstream files of any supported format (detected per file), then merges what changed
 * into KB records. Re-importing the same files changes nothing. A file that cannot be read is
 * reported and the others still import; a bad record is reported and the rest of its file
 * still imports; nothing already stored is touched by a failing file.
 */
export async function importKbFiles(options: {
  paths: string[];
  importers: KbImporter[];
  /** Keys whose signed bundles are accepted; a bundle signed otherwise is refused whole. */
  trustedKeys: Map<string, KeyObject>;
  onFile?: (report: FileImportReport) => void;
}): Promise<KbImportReport> {
  const report: KbImportReport = { files: [], problems: [], problemCount: 0, merge: { keys: 0, created: 0, updated: 0, unchanged: 0, scoreOnly: 0, changedKeys: [] } };
  const touched = new Map<KbSourceId, string[]>();
  const indexes = new Map<string, Promise<StoredIndex>>();
  const storedIndex = (source: KbSourceId | 'all') => {
    if (!indexes.has(source)) indexes.set(source, loadStoredIndex(source === 'all' ? {} : { source }));
    return indexes.get(source)!;
  };
  for (const { file, explicit } of expandPaths(options.paths)) {
    if ((await readHead(file, BUNDLE_MAGIC.length)) === BUNDLE_MAGIC) {
      const entry = await importBundle(file, options.trustedKeys, await storedIndex('all'));
      indexes.clear(); // a bundle touches every source
      for (const source of entry.sources) touched.set(source, [...(touched.get(source) ?? []), path.basename(file)]);
      report.files.push(entry.report);
      options.onFile?.(entry.report);
      continue;
    }
    const importer = await detectImporter(options.importers, file);
    if (!importer) {
      const entry: FileImportReport = { file, format: null, source: null, problems: 0, ...(explicit ? { error: 'no importer recognises this file format' } : {}) };
      if (explicit) report.files.push(entry);
      options.onFile?.(entry);
      continue;
    }
    let problems = 0;
    const onProblem = (problem: KbImportProblem) => {
      problems += 1;
      report.problemCount += 1;
      if (report.problems.length < MAX_PROBLEMS_KEPT) report.problems.push(problem);
    };
    const entry: FileImportReport = { file, format: importer.format, source: importer.source, problems: 0 };
    try {
      const stored = await storedIndex(importer.source);
      Object.assign(entry, await storeContributions({ contributions: importer.parse({ filePath: file, fileName: path.basename(file), onProblem }), file: path.basename(file), stored }));
      touched.set(importer.source, [...(touched.get(importer.source) ?? []), path.basename(file)]);
    } catch (error) {
      entry.error = (error as Error).message;
    }
    entry.problems = problems;
    report.files.push(entry);
    options.onFile?.(entry);
  }
  report.merge = await mergePendingContributions();
  // Detection: stored inventories touched by changed records are re-evaluated (README "Detection — re-evaluation").
  await (await import('../detection/reevaluate-inventories')).reevaluateAfterKbChange(report.merge.changedKeys);
  for (const [source, files] of touched) await refreshSourceStatus(source, files, report);
  return report;
}

/** A bundle is verified whole before anything of it is stored. */
async function importBundle(file: string, trusted: Map<string, KeyObject>, stored: StoredIndex): Promise<{ report: FileImportReport; sources: KbSourceId[] }> {
  const report: FileImportReport = { file, format: 'vigil-kb-bundle', source: 'bundle', problems: 0 };
  try {
    const { manifest, payloadOffset } = await verifyBundle({ file, trusted });
    Object.assign(report, await storeContributions({ contributions: readBundleContributions(file, payloadOffset), file: path.basename(file), stored }));
    return { report, sources: Object.keys(manifest.sources) as KbSourceId[] };
  } catch (error) {
    report.error = (error as Error).message;
    return { report, sources: [] };
  }
}

async function refreshSourceStatus(source: KbSourceId, files: string[], report: KbImportReport): Promise<void> {
  const [upstreamIds, contributions] = await Promise.all([
    KbContributionModel.distinct('upstreamId', { source }),
    KbContributionModel.countDocuments({ source }),
  ]);
  const sourceFiles = report.files.filter((f) => f.source === source || f.source === 'bundle');
  await KbSourceStatusModel.updateOne(
    { _id: source },
    {
      $set: {
        records: upstreamIds.length,
        contributions,
        lastImportAt: new Date(),
        lastImportFiles: files.slice(0, 50),
        lastProblems: sourceFiles.reduce((sum, f) => sum + f.problems, 0),
        lastError: sourceFiles.find((f) => f.error)?.error ?? null,
      },
    },
    { upsert: true },
  );
}
