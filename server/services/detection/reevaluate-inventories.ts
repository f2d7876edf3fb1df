import { randomUUID } from 'node:crypto';
import { evaluatePlan, kbLookup, planDetection, type KbLookup } from '../../detection/detect';
import { detectionKbCache } from '../../detection/detection-kb-cache';
import { DetectionKbIndex } from '../../detection/detection-kb-index';
import { DetectionReevaluationRunModel, type DetectionReevaluationRun } from '../../models/detection-reevaluation-run.model';
import { DetectionResultModel } from '../../models/detection-result.model';
import { InventoryModel } from '../../models/inventory.model';
import { KbVulnerabilityModel } from '../../models/kb-vulnerability.model';
import { AssetModel } from '../../models/asset.model';
import { refreshOpenFindingRollup } from '../findings/risk-rollup';
import { syncAssetFindings } from '../findings/sync-asset-findings';
import { saveDetectionResults } from './detection-results';
import { inventoryOf } from './stored-inventory';

/**
 * Continuous re-evaluation (README "Detection — re-evaluation"): after a KB import or sync changed records, every
 * stored inventory whose packages those records name — or whose current findings name them (a corrected record may
 * no longer name the package) — is detected again, in batches, without a rescan. A run record keeps the list of
 * assets and a cursor, so an interrupted run resumes (resumeReevaluationRuns) instead of starting over.
 */

const KEYS_PER_QUERY = 1000;
export const REEVALUATION_BATCH = 1000;

export type ReevaluationProgress = Pick<DetectionReevaluationRun, '_id' | 'status' | 'cursor' | 'appeared' | 'closed' | 'changed' | 'error' | 'startedAt' | 'finishedAt'> & { total: number };

const progressOf = (run: DetectionReevaluationRun): ReevaluationProgress => ({
  _id: run._id,
  status: run.status,
  total: run.assetKeys.length,
  cursor: run.cursor,
  appeared: run.appeared,
  closed: run.closed,
  changed: run.changed,
  error: run.error,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
});

async function idsMatching(field: 'packageKeys' | 'vulnIds', values: string[], model: typeof InventoryModel | typeof DetectionResultModel, into: Set<string>) {
  for (let i = 0; i < values.length; i += KEYS_PER_QUERY) {
    const docs = await (model as typeof InventoryModel).find({ [field]: { $in: values.slice(i, i + KEYS_PER_QUERY) } }, { _id: 1 }).lean();
    for (const doc of docs) into.add(doc._id);
  }
}

/** The package keys the records name: from the detection KB cache where enabled (`$in` on `_id` is scanned on FerretDB). */
async function packageKeysOf(vulnIds: string[]): Promise<Set<string>> {
  const packageKeys = new Set<string>();
  const cache = await detectionKbCache();
  if (cache) {
    const index = await cache.current();
    for (const id of vulnIds) for (const key of index.get(id)?.affectedPackages ?? []) packageKeys.add(key);
    return packageKeys;
  }
  for (let i = 0; i < vulnIds.length; i += KEYS_PER_QUERY) {
    for (const record of await KbVulnerabilityModel.find({ _id: { $in: vulnIds.slice(i, i + KEYS_PER_QUERY) } }, { affectedPackages: 1 }).lean()) {
      for (const key of record.affectedPackages ?? []) packageKeys.add(key);
    }
  }
  return packageKeys;
}

/** Creates the run for changed KB records (null when no stored inventory is touched). */
export async function startReevaluation(changedVulnIds: string[]): Promise<DetectionReevaluationRun | null> {
  if (changedVulnIds.length === 0) return null;
  const packageKeys = await packageKeysOf(changedVulnIds);
  const assets = new Set<string>();
  await idsMatching('packageKeys', [...packageKeys], InventoryModel, assets);
  await idsMatching('vulnIds', changedVulnIds, DetectionResultModel, assets);
  if (assets.size === 0) return null;
  const now = new Date();
  const run: DetectionReevaluationRun = {
    _id: randomUUID(),
    status: 'running',
    vulnIds: [...changedVulnIds].sort(),
    packageKeys: [...packageKeys].sort(),
    assetKeys: [...assets].sort(),
    cursor: 0,
    appeared: 0,
    closed: 0,
    changed: 0,
    error: null,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  await DetectionReevaluationRunModel.create(run);
  return run;
}

/**
 * Works a run from its cursor to the end, a batch at a time: the batch's inventories are planned together and
 * their KB records fetched in one batched lookup (the detection KB cache on FerretDB); the batch's results are
 * diffed and replaced (saveDetectionResults); then the cursor and counters move. `stopAfterBatches` exists for
 * tests (a crash after N batches).
 */
export async function runReevaluation(runId: string, options: { lookup?: KbLookup; batchSize?: number; stopAfterBatches?: number; onProgress?: (p: ReevaluationProgress) => void } = {}): Promise<ReevaluationProgress> {
  const run = await DetectionReevaluationRunModel.findById(runId).lean();
  if (!run) throw new Error(`no re-evaluation run ${runId}`);
  const lookup = options.lookup ?? kbLookup;
  const batchSize = options.batchSize ?? REEVALUATION_BATCH;
  let batches = 0;
  try {
    while (run.status === 'running' && run.cursor < run.assetKeys.length) {
      if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) return progressOf(run);
      const keys = run.assetKeys.slice(run.cursor, run.cursor + batchSize);
      const stored = await InventoryModel.find({ _id: { $in: keys } }, { host: 1, os: 1, kernel: 1, packagesText: 1, services: 1 }).lean();
      const previous = new Map((await DetectionResultModel.find({ _id: { $in: keys } }, { findings: 1 }).lean()).map((r) => [r._id, r.findings]));
      const plans = stored.map((doc) => ({ assetKey: doc._id, plan: planDetection(inventoryOf(doc)) }));
      // One lookup for the batch; each host is then evaluated against the records of its own keys only.
      const batchKb = new DetectionKbIndex();
      for (const record of await lookup([...new Set(plans.flatMap((p) => p.plan.keys))].sort())) batchKb.upsert(record);
      const results = plans.map(({ assetKey, plan }) => ({ assetKey, result: evaluatePlan(plan, batchKb.lookup(plan.keys)), previous: previous.get(assetKey) ?? [] }));
      const changes = await saveDetectionResults(results, 'kb-change', run._id);
      // Scanned hosts also carry a finding lifecycle (first/last seen, fixed); `vigil detect` inventories do not.
      const assets = new Map((await AssetModel.find({ _id: { $in: keys } }, { businessUnitId: 1 }).lean()).map((a) => [a._id, a.businessUnitId]));
      for (const [i, { assetKey, result }] of results.entries()) {
        const change = changes[i]!;
        const businessUnitId = assets.get(assetKey);
        if (businessUnitId && change.appeared.length + change.closed.length + change.changed.length > 0) {
          await syncAssetFindings({ businessUnitId, assetId: assetKey, runId: null, findings: result.findings, observation: 'all', at: change.at });
          await refreshOpenFindingRollup({ assetId: assetKey });
        }
        run.appeared += change.appeared.length;
        run.closed += change.closed.length;
        run.changed += change.changed.length;
      }
      run.cursor += keys.length;
      run.updatedAt = new Date();
      await DetectionReevaluationRunModel.updateOne({ _id: run._id }, { $set: { cursor: run.cursor, appeared: run.appeared, closed: run.closed, changed: run.changed, updatedAt: run.updatedAt } });
      batches += 1;
      options.onProgress?.(progressOf(run));
    }
    run.status = 'done';
    run.finishedAt = new Date();
    await DetectionReevaluationRunModel.updateOne({ _id: run._id }, { $set: { status: 'done', finishedAt: run.finishedAt, updatedAt: run.finishedAt } });
  } catch (error) {
    run.status = 'failed';
    run.error = (error as Error).message;
    await DetectionReevaluationRunModel.updateOne({ _id: run._id }, { $set: { status: 'failed', error: run.error, updatedAt: new Date() } });
  }
  return progressOf(run);
}

/** The KB merge hook: re-evaluates what the changed records touch (nothing when no inventory is stored). */
export async function reevaluateAfterKbChange(changedVulnIds: string[]): Promise<ReevaluationProgress | null> {
  if (changedVulnIds.length === 0 || (await InventoryModel.estimatedDocumentCount()) === 0) return null;
  const run = await startReevaluation(changedVulnIds);
  return run ? runReevaluation(run._id) : null;
}

/** Resumes runs a crash left `running` (at start-up, or from a scheduled job). */
export async function resumeReevaluationRuns(): Promise<ReevaluationProgress[]> {
  const runs = await DetectionReevaluationRunModel.find({ status: 'running' }, { _id: 1 }).sort({ startedAt: 1 }).lean();
  const out: ReevaluationProgress[] = [];
  for (const run of runs) out.push(await runReevaluation(run._id));
  return out;
}

/** Progress of the latest runs (for the console / CLI). */
export async function listReevaluationRuns(limit = 20): Promise<ReevaluationProgress[]> {
  const runs = await DetectionReevaluationRunModel.find({}, { packageKeys: 0, vulnIds: 0 }).sort({ startedAt: -1 }).limit(limit).lean();
  return runs.map((run) => progressOf({ ...run, assetKeys: run.assetKeys ?? [] } as DetectionReevaluationRun));
}

export async function getReevaluationRun(runId: string): Promise<ReevaluationProgress | null> {
  const run = await DetectionReevaluationRunModel.findById(runId, { packageKeys: 0, vulnIds: 0 }).lean();
  return run ? progressOf(run as DetectionReevaluationRun) : null;
}
