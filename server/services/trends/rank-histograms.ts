import { forEachWrite } from '../../db/write-limits';
import { AssetModel } from '../../models/asset.model';
import { FindingKevAssetModel } from '../../models/finding-kev-asset.model';
import { FindingVulnCountModel } from '../../models/finding-vuln-count.model';
import { rankHistogramCollection, RankHistogramModel, type RankKind } from '../../models/rank-histogram.model';
import { buildCountersOnce, countersBuilt, rankKeyOf, valueOfRankKey } from '../findings/counter-state';

const histogramId = (kind: RankKind, businessUnitId: string) => `${kind}|${businessUnitId}`;

/** One asset or vulnerability moved from one value to another (0: not counted, as before it existed or after it left). */
export async function moveInRankHistogram(options: { kind: RankKind; businessUnitId: string; from: number; to: number }): Promise<void> {
  if (options.from === options.to) return;
  const inc: Record<string, number> = {};
  if (options.from > 0) inc[`ranks.${rankKeyOf(options.from)}`] = -1;
  if (options.to > 0) inc[`ranks.${rankKeyOf(options.to)}`] = (inc[`ranks.${rankKeyOf(options.to)}`] ?? 0) + 1;
  if (Object.keys(inc).length === 0) return;
  await rankHistogramCollection().updateOne({ _id: histogramId(options.kind, options.businessUnitId) }, { $inc: inc, $setOnInsert: { kind: options.kind, businessUnitId: options.businessUnitId } }, { upsert: true });
}

export const rankHistogramsBuilt = () => countersBuilt('rank-histograms-v2');

/** value → how many hold it, the values with none left out. */
async function readHistogram(kind: RankKind, businessUnitId: string): Promise<Map<number, number>> {
  const histogram = await RankHistogramModel.findById(histogramId(kind, businessUnitId)).lean();
  return new Map(Object.entries(histogram?.ranks ?? {}).flatMap(([key, count]) => (count > 0 ? [[valueOfRankKey(key), count] as const] : [])));
}

/**
 * The highest values over the units together, enough of them to hold `count` assets or vulnerabilities (all of a tie
 * included): per unit, those of them it holds — so units whose values all rank lower are not read at all.
 */
export async function topRankValues(options: { kind: RankKind; businessUnitIds: readonly string[]; count: number }): Promise<Map<string, number[]>> {
  const histograms = await Promise.all(options.businessUnitIds.map(async (businessUnitId) => [businessUnitId, await readHistogram(options.kind, businessUnitId)] as const));
  const merged = new Map<number, number>();
  for (const [, histogram] of histograms) for (const [value, count] of histogram) merged.set(value, (merged.get(value) ?? 0) + count);
  const top = new Set<number>();
  let held = 0;
  for (const [value, count] of [...merged].sort(([a], [b]) => b - a)) {
    if (held >= options.count) break;
    top.add(value);
    held += count;
  }
  return new Map(histograms.map(([businessUnitId, histogram]) => [businessUnitId, [...histogram.keys()].filter((value) => top.has(value))]));
}

/** How many assets or vulnerabilities have a value above zero. */
export async function rankHistogramTotal(options: { kind: RankKind; businessUnitId: string }): Promise<number> {
  return [...(await readHistogram(options.kind, options.businessUnitId)).values()].reduce((sum, n) => sum + n, 0);
}

function histogramOf(values: Iterable<number>): Record<string, number> {
  const ranks: Record<string, number> = {};
  for (const value of values) if (value > 0) ranks[rankKeyOf(value)] = (ranks[rankKeyOf(value)] ?? 0) + 1;
  return ranks;
}

/** Recounts a unit's histograms from its assets and counters (repair, and their first build). */
export async function rebuildRankHistograms(options: { businessUnitId: string }): Promise<void> {
  const { businessUnitId } = options;
  const [assets, vulns, kevAssets] = await Promise.all([
    AssetModel.find({ businessUnitId }, { 'risk.total': 1, riskTotal: 1 }).lean(),
    FindingVulnCountModel.find({ businessUnitId }, { open: 1 }).lean(),
    FindingKevAssetModel.find({ businessUnitId }, { open: 1 }).lean(),
  ]);
  const histograms: [RankKind, Record<string, number>][] = [
    ['asset-risk', histogramOf(assets.map((asset) => asset.risk?.total ?? 0))],
    ['vuln-open', histogramOf(vulns.map((vuln) => vuln.open))],
    ['kev-asset-open', histogramOf(kevAssets.map((asset) => asset.open))],
  ];
  // Assets rolled up before `riskTotal` existed get it here, the build every unit gets once (ensureRankHistograms).
  await forEachWrite(
    assets.filter((asset) => asset.riskTotal !== (asset.risk?.total ?? 0)),
    (asset) => AssetModel.updateOne({ _id: asset._id }, { $set: { riskTotal: asset.risk?.total ?? 0 } }),
  );
  for (const [kind, ranks] of histograms) await RankHistogramModel.replaceOne({ _id: histogramId(kind, businessUnitId) }, { kind, businessUnitId, ranks }, { upsert: true });
}

/** Counts every unit's histograms once; the dashboard reads the counters the slow way until then. */
export const ensureRankHistograms = () => buildCountersOnce('rank-histograms-v2', (businessUnitId) => rebuildRankHistograms({ businessUnitId }));
