import { scopeFilter, type Scope } from '../../auth/scope';
import { AssetModel, EMPTY_FINDING_COUNTS, NO_RISK, type AssetFindingCounts, type AssetRisk } from '../../models/asset.model';
import { FindingModel, isOpenFinding, type FindingRecord } from '../../models/finding.model';
import { moveInRankHistogram } from '../trends/rank-histograms';
import { refreshFindingListContribution } from './finding-list-cells';
import { withClaim } from '../auth/auth-claim';

const roundRisk = (value: number) => Math.round(value * 10) / 10;
/** Far longer than a roll-up takes (an asset's findings, read and written once). */
const ROLLUP_CLAIM_TTL_MS = 5 * 60_000;

/**
 * Recounts an asset's open findings (without an approved exception) per severity, and its risk: the worst finding's
 * score and the sum. Stored on the asset, so lists sort and show them without a join, and units roll up from them.
 * Every change of an asset's findings ends here, so it also brings the findings list's cells and the dashboard's
 * asset-risk histogram up to date.
 */
export function refreshOpenFindingRollup(options: { assetId: string }): Promise<{ counts: AssetFindingCounts; risk: AssetRisk }> {
  // One roll-up of an asset at a time: each applies the difference from what the last one stored (list cells, rank
  // histograms), so two at once would both apply the same difference.
  return withClaim(`rollup:${options.assetId}`, ROLLUP_CLAIM_TTL_MS, () => rollUpAsset(options.assetId));
}

async function rollUpAsset(assetId: string): Promise<{ counts: AssetFindingCounts; risk: AssetRisk }> {
  // Summed here: FerretDB 1.24's $group answers 0 for `$sum` of a field path (only `$sum: 1` counts hold).
  // Whole findings: the findings list's rows hold them (finding-list-rows.ts).
  const findings = await FindingModel.find({ assetId }).lean<FindingRecord[]>();
  const counts: AssetFindingCounts = { ...EMPTY_FINDING_COUNTS };
  let total = 0;
  let max = 0;
  for (const finding of findings.filter((f) => isOpenFinding(f.status) && !f.exceptionState)) {
    counts[finding.severity] += 1;
    counts.total += 1;
    total += finding.riskScore;
    max = Math.max(max, finding.riskScore);
  }
  const risk: AssetRisk = { max, total: roundRisk(total) };
  const asset = await AssetModel.findById(assetId, { businessUnitId: 1, name: 1, 'risk.total': 1 }).lean();
  await AssetModel.updateOne({ _id: assetId }, { $set: { openFindings: counts, risk, riskTotal: risk.total } });
  if (asset) {
    await moveInRankHistogram({ kind: 'asset-risk', businessUnitId: asset.businessUnitId, from: asset.risk?.total ?? 0, to: risk.total });
    if (findings.some((finding) => finding.assetName !== asset.name)) await FindingModel.updateMany({ assetId, assetName: { $ne: asset.name } }, { $set: { assetName: asset.name } });
    await refreshFindingListContribution({ assetId, businessUnitId: asset.businessUnitId, findings: findings.map((finding) => ({ ...finding, assetName: asset.name })) });
  }
  return { counts, risk };
}

export interface BusinessUnitRisk {
  businessUnitId: string;
  assets: number;
  openFindings: number;
  /** Sum of its assets' risk totals. */
  riskTotal: number;
  /** Its riskiest asset's worst finding. */
  riskMax: number;
  riskiestAssetId: string | null;
}

/**
 * Risk per business unit of the caller's, rolled up from the assets' stored rollups; riskiest unit first. Summed
 * while reading the assets (a projection of a few numbers each), for the `$sum` limit above.
 */
export async function listBusinessUnitRisk(options: { scope: Scope }): Promise<BusinessUnitRisk[]> {
  const units = new Map<string, BusinessUnitRisk>();
  const assets = AssetModel.find(scopeFilter(options.scope), { businessUnitId: 1, 'openFindings.total': 1, risk: 1 }).sort({ _id: 1 }).lean().cursor();
  for await (const asset of assets) {
    const unit = units.get(asset.businessUnitId) ?? { businessUnitId: asset.businessUnitId, assets: 0, openFindings: 0, riskTotal: 0, riskMax: 0, riskiestAssetId: null };
    const risk = asset.risk ?? NO_RISK;
    unit.assets += 1;
    unit.openFindings += asset.openFindings?.total ?? 0;
    unit.riskTotal = roundRisk(unit.riskTotal + risk.total);
    if (risk.max > unit.riskMax) Object.assign(unit, { riskMax: risk.max, riskiestAssetId: asset._id });
    units.set(asset.businessUnitId, unit);
  }
  return [...units.values()].sort((a, b) => b.riskTotal - a.riskTotal || b.riskMax - a.riskMax || a.businessUnitId.localeCompare(b.businessUnitId));
}
