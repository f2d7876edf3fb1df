import { forEachWrite } from '../../db/write-limits';
import { hasPrimarySource, mergeContributions } from '../../kb/kb-merge';
import type { KbContribution } from '../../kb/kb-types';
import { stableHash } from '../../kb/stable-hash';
import { reserveSequence } from '../../models/counter.model';
import { KbContributionModel } from '../../models/kb-contribution.model';
import { withKbGeneration } from '../../models/kb-generation.model';
import { KbPendingModel } from '../../models/kb-pending.model';
import { KbVulnerabilityModel } from '../../models/kb-vulnerability.model';
import { withClaim } from '../auth/auth-claim';
import { changingKbTotals, ensureKbTotals, type KbCounts } from './kb-totals';

export interface MergeResult {
  keys: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Keys that only EPSS scores mention so far: no KB record until a primary source names them. */
  scoreOnly: number;
  /** KB records whose content changed, for re-evaluation of stored inventories. */
  changedKeys: string[];
}

/** Up to this many pending keys are fetched by key; more are gathered in one pass over the collection. */
const KEYED_FETCH_LIMIT = 2000;
const KEYS_PER_QUERY = 500;
/** Keys merged per pass: bounds memory on a first import of a whole feed. */
const KEYS_PER_PASS = 50_000;
export const VGL_SEQUENCE = 'kb-vgl';
/** How long a merge that died keeps others waiting: a live one renews its claim (withClaim). */
const MERGE_CLAIM_MS = 60_000;

export function formatVglId(n: number): string {
  return `VGL-${String(n).padStart(6, '0')}`;
}

async function contributionsOf(keys: string[]): Promise<Map<string, KbContribution[]>> {
  const byKey = new Map<string, KbContribution[]>(keys.map((k) => [k, []]));
  const add = (doc: { key: string; data: KbContribution }) => byKey.get(doc.key)?.push(doc.data);
  if (keys.length <= KEYED_FETCH_LIMIT) {
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      for (const doc of await KbContributionModel.find({ key: { $in: keys.slice(i, i + KEYS_PER_QUERY) } }, { key: 1, data: 1 }).lean()) add(doc);
    }
  } else {
    // Many keys (a first import): one pass over the collection beats thousands of lookups,
    // on FerretDB (which scans for $in) and on MongoDB alike.
    for await (const doc of KbContributionModel.find({}, { key: 1, data: 1 }).lean().cursor()) add(doc);
  }
  return byKey;
}

/**
 * (Re)builds the KB records of every pending key, a pass at a time. A pass clears its keys
 * only after their records are written, so an interrupted run resumes where it stopped; a
 * record is always replaced whole, never half written. One merge at a time across processes (a
 * CLI import beside the console's sync waits): two would insert the same new records, and the
 * KB's counts (kb-totals.ts) are added up from what each pass changed.
 */
export async function mergePendingContributions(options: { onProgress?: (done: number) => void } = {}): Promise<MergeResult> {
  return withClaim('kb-merge', MERGE_CLAIM_MS, () => mergeAllPending(options), { renew: true });
}

async function mergeAllPending(options: { onProgress?: (done: number) => void }): Promise<MergeResult> {
  const result: MergeResult = { keys: 0, created: 0, updated: 0, unchanged: 0, scoreOnly: 0, changedKeys: [] };
  await ensureKbTotals();
  for (;;) {
    const keys = (await KbPendingModel.find({}, { _id: 1 }).limit(KEYS_PER_PASS).lean()).map((p) => p._id);
    if (keys.length === 0) return result;
    // Each pass is one KB generation: detection KB caches reload the records it stamps (kb-generation.model.ts).
    await withKbGeneration((generation) => mergeKeys(keys, result, generation));
    for (let i = 0; i < keys.length; i += 5000) await KbPendingModel.deleteMany({ _id: { $in: keys.slice(i, i + 5000) } });
    result.keys += keys.length;
    options.onProgress?.(result.keys);
  }
}

async function mergeKeys(keys: string[], result: MergeResult, kbGeneration: number): Promise<void> {
  const byKey = await contributionsOf(keys);
  const existing = new Map<string, { hash: string; kevListed: boolean }>();
  for (let i = 0; i < keys.length; i += 5000) {
    for (const v of await KbVulnerabilityModel.find({ _id: { $in: keys.slice(i, i + 5000) } }, { hash: 1, kevListed: 1 }).lean()) existing.set(v._id, { hash: v.hash, kevListed: Boolean(v.kevListed) });
  }
  const merged: { key: string; fields: ReturnType<typeof mergeContributions>; hash: string }[] = [];
  for (const key of keys) {
    const datas = byKey.get(key) ?? [];
    if (!hasPrimarySource(datas)) {
      result.scoreOnly += 1;
      continue;
    }
    const fields = mergeContributions(key, datas);
    const hash = stableHash(fields);
    if (existing.get(key)?.hash === hash) result.unchanged += 1;
    else merged.push({ key, fields, hash });
  }
  const created = merged.filter((m) => !existing.has(m.key));
  const updated = merged.filter((m) => existing.has(m.key));
  result.created += created.length;
  result.updated += updated.length;
  result.changedKeys.push(...merged.map((m) => m.key));
  if (merged.length === 0) return;
  const change: KbCounts = {
    vulnerabilities: created.length,
    kevListed: merged.reduce((sum, m) => sum + Number(m.fields.kevListed) - Number(existing.get(m.key)?.kevListed ?? false), 0),
  };
  await changingKbTotals(change, async () => {
    if (created.length > 0) {
      // New records: batch inserts, each with the next Vigil id of the sequence.
      const first = await reserveSequence(VGL_SEQUENCE, created.length);
      const now = new Date();
      const docs = created.map((m, i) => ({ _id: m.key, vglId: formatVglId(first + i), ...m.fields, hash: m.hash, kbGeneration, createdAt: now, updatedAt: now }));
      for (let i = 0; i < docs.length; i += 1000) await KbVulnerabilityModel.collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false });
    }
    await forEachWrite(updated, (m) => KbVulnerabilityModel.updateOne({ _id: m.key }, { $set: { ...m.fields, hash: m.hash, kbGeneration } }));
  });
}
