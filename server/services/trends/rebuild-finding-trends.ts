import { EMPTY_FINDING_COUNTS } from '../../models/asset.model';
import { FindingKevAssetModel, type FindingKevAsset } from '../../models/finding-kev-asset.model';
import { findingTrendCollection, FindingTrendModel, type FindingTrend } from '../../models/finding-trend.model';
import { FindingVulnCountModel, type FindingVulnCount } from '../../models/finding-vuln-count.model';
import { FindingModel, isOpenFinding, type FindingRecord } from '../../models/finding.model';
import { rebuildRankHistograms } from './rank-histograms';
import { DAY_MS, trendIdOf, utcDayOf } from './trend-day';

const HOUR_MS = 3_600_000;
const INSERT_BATCH = 1000;

const REBUILD_FIELDS = { _id: 0, assetId: 1, vulnId: 1, severity: 1, kev: 1, status: 1, exceptionState: 1, slaDueAt: 1, firstSeenAt: 1, fixedAt: 1, fixedReason: 1, reopenedAt: 1 } as const;
type RebuildFinding = Pick<FindingRecord, (keyof typeof REBUILD_FIELDS & keyof FindingRecord) & string>;

async function replaceUnitDocs<T extends { businessUnitId: string }>(model: typeof FindingVulnCountModel | typeof FindingKevAssetModel, businessUnitId: string, docs: T[]): Promise<void> {
  await model.deleteMany({ businessUnitId });
  for (let i = 0; i < docs.length; i += INSERT_BATCH) await model.collection.insertMany(docs.slice(i, i + INSERT_BATCH) as never[]);
}

/**
 * Recounts a unit's rollups from its findings, for repair (and to seed the benchmark), in one pass over them (sums
 * are made here, not by `$group`, which FerretDB 1.24 answers with 0 for a field's `$sum`):
 * - the day's events (new, fixed, reopened, remediated and their hours), for a finding's latest transition only: a
 *   finding fixed and reopened on the same day counts as reopened;
 * - for today only, the open counts per severity, KEV and SLA breaches, and the per-vulnerability and per-asset KEV
 *   counters: a finding keeps only its latest transition, so past open counts cannot be recovered. Today is left
 *   carried: its open counts are closing values that later transitions move on from.
 */
export async function rebuildFindingRollups(options: { businessUnitId: string; day: Date; now?: Date }): Promise<FindingTrend> {
  const now = options.now ?? new Date();
  const { businessUnitId } = options;
  const day = utcDayOf(options.day);
  const inDay = (at: Date | null) => at !== null && at.getTime() >= day.getTime() && at.getTime() < day.getTime() + DAY_MS;
  const isToday = day.getTime() === utcDayOf(now).getTime();
  const events = { new: 0, fixed: 0, reopened: 0, remediated: 0, remediationHours: 0 };
  const snapshot = { open: { ...EMPTY_FINDING_COUNTS }, kevOpen: 0, slaBreached: 0, carried: true };
  const vulns = new Map<string, FindingVulnCount>();
  const kevAssets = new Map<string, FindingKevAsset>();
  for await (const finding of FindingModel.find({ businessUnitId }, REBUILD_FIELDS).lean<RebuildFinding[]>().cursor()) {
    if (inDay(finding.firstSeenAt)) events.new += 1;
    if (finding.status === 'fixed' && inDay(finding.fixedAt)) {
      events.fixed += 1;
      if (finding.fixedReason === 'not-seen-by-scan') {
        events.remediated += 1;
        events.remediationHours += (finding.fixedAt!.getTime() - finding.firstSeenAt.getTime()) / HOUR_MS;
      }
    }
    if (isOpenFinding(finding.status) && inDay(finding.reopenedAt)) events.reopened += 1;
    if (!isToday || !isOpenFinding(finding.status) || finding.exceptionState) continue;
    snapshot.open[finding.severity] += 1;
    snapshot.open.total += 1;
    if (finding.slaDueAt && finding.slaDueAt.getTime() < now.getTime()) snapshot.slaBreached += 1;
    const vulnKey = `${businessUnitId}|${finding.vulnId}`;
    const vuln = vulns.get(vulnKey) ?? { _id: vulnKey, businessUnitId, vulnId: finding.vulnId, severity: finding.severity, kev: finding.kev, open: 0 };
    vuln.open += 1;
    vulns.set(vulnKey, vuln);
    if (!finding.kev) continue;
    snapshot.kevOpen += 1;
    const asset = kevAssets.get(finding.assetId) ?? { _id: finding.assetId, businessUnitId, open: 0 };
    asset.open += 1;
    kevAssets.set(finding.assetId, asset);
  }
  await findingTrendCollection().updateOne({ _id: trendIdOf(businessUnitId, day) }, { $set: { businessUnitId, day, ...events, ...(isToday ? snapshot : {}) } }, { upsert: true });
  if (isToday) {
    await replaceUnitDocs(FindingVulnCountModel, businessUnitId, [...vulns.values()]);
    await replaceUnitDocs(FindingKevAssetModel, businessUnitId, [...kevAssets.values()]);
    await rebuildRankHistograms({ businessUnitId });
  }
  return (await FindingTrendModel.findById(trendIdOf(businessUnitId, day)).lean())!;
}
