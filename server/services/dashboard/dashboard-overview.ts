import type { Scope } from '../../auth/scope';
import { AssetModel, type AssetFindingCounts } from '../../models/asset.model';
import { FindingKevAssetModel } from '../../models/finding-kev-asset.model';
import { FindingVulnCountModel } from '../../models/finding-vuln-count.model';
import { KbVulnerabilityModel, type KbSeverity } from '../../models/kb-vulnerability.model';
import type { RankKind } from '../../models/rank-histogram.model';
import { rankHistogramsBuilt, rankHistogramTotal, topRankValues } from '../trends/rank-histograms';
import { unitIdsOfScope } from '../business-units/unit-scope';
import { readFindingTrends, type FindingTrendPoint } from '../trends/read-finding-trends';

export const DASHBOARD_TREND_DAYS = 90;
const TOP = 10;

export interface DashboardOverview {
  generatedAt: string;
  /** Open findings without an approved exception, per severity (today's trend point). */
  severity: AssetFindingCounts;
  trend: FindingTrendPoint[];
  kev: { openFindings: number; assetsAffected: number };
  /** At the trend job's last hourly count (breaches move with the clock, not with events). */
  sla: { breached: number };
  /** Over the trend's days: hours from first seen to fixed by a scan, on average (null: nothing remediated). */
  meanTimeToRemediateHours: number | null;
  topAssets: { id: string; name: string; businessUnitId: string; riskMax: number; riskTotal: number; openFindings: number }[];
  topVulnerabilities: { vulnId: string; title: string | null; severity: KbSeverity; kev: boolean; openFindings: number }[];
}

/**
 * Runs a query per unit and joins the answers: FerretDB 1.24 hands a `businessUnitId` equality to PostgreSQL, while
 * an `$in` of the units is applied in its own process after reading the whole collection.
 */
const perUnit = async <T>(units: readonly string[], query: (businessUnitId: string) => Promise<T[]>): Promise<T[]> => (await Promise.all(units.map(query))).flat();

/**
 * The top ten of some units by a histogram: their highest values together, then the documents of each unit holding
 * one of them — equalities FerretDB hands to PostgreSQL, where a sort of the documents would read them all.
 */
async function holdingTopValues<T>(kind: RankKind, businessUnitIds: readonly string[], holding: (businessUnitId: string, value: number) => Promise<T[]>, order: (a: T, b: T) => number): Promise<T[]> {
  const values = await topRankValues({ kind, businessUnitIds, count: TOP });
  const held = await Promise.all([...values].flatMap(([businessUnitId, unitValues]) => unitValues.map((value) => holding(businessUnitId, value))));
  return held.flat().sort(order).slice(0, TOP);
}

/** The most open findings per vulnerability: each unit's leaders, added up by vulnerability (exact for one unit). */
async function topVulnerabilities(units: readonly string[], byHistogram: boolean): Promise<DashboardOverview['topVulnerabilities']> {
  const projection = { vulnId: 1, severity: 1, kev: 1, open: 1 };
  const counts = await perUnit(units, (businessUnitId) =>
    byHistogram
      ? holdingTopValues('vuln-open', [businessUnitId], (unit, open) => FindingVulnCountModel.find({ businessUnitId: unit, open }, projection).lean(), (a, b) => b.open - a.open || a._id.localeCompare(b._id))
      : FindingVulnCountModel.find({ businessUnitId, open: { $gt: 0 } }, projection).sort({ open: -1, _id: 1 }).limit(TOP).lean(),
  );
  const byVuln = new Map<string, { vulnId: string; severity: KbSeverity; kev: boolean; openFindings: number }>();
  for (const count of counts) {
    const vuln = byVuln.get(count.vulnId) ?? { vulnId: count.vulnId, severity: count.severity, kev: count.kev, openFindings: 0 };
    vuln.openFindings += count.open;
    byVuln.set(count.vulnId, vuln);
  }
  const top = [...byVuln.values()].sort((a, b) => b.openFindings - a.openFindings || a.vulnId.localeCompare(b.vulnId)).slice(0, TOP);
  // One lookup by id each: FerretDB reads the whole KnowledgeBase for an `$in`.
  const records = await Promise.all(top.map((vuln) => KbVulnerabilityModel.findOne({ _id: vuln.vulnId }, { title: 1 }).lean()));
  const titles = new Map(records.flatMap((record) => (record ? [[record._id, record.title ?? null] as const] : [])));
  return top.map((vuln) => ({ ...vuln, title: titles.get(vuln.vulnId) ?? null }));
}

async function topAssets(units: readonly string[], byHistogram: boolean): Promise<DashboardOverview['topAssets']> {
  const projection = { name: 1, businessUnitId: 1, risk: 1, 'openFindings.total': 1 };
  // By total risk, then the worst finding: an asset's one finding at the cap (thousands share it) ranks below one
  // with many serious ones, and ties are rare.
  const order = (a: { _id: string; risk: { max: number; total: number } }, b: typeof a) => b.risk.total - a.risk.total || b.risk.max - a.risk.max || a._id.localeCompare(b._id);
  const assets = byHistogram
    ? await holdingTopValues('asset-risk', units, (businessUnitId, total) => AssetModel.find({ businessUnitId, riskTotal: total }, projection).lean(), order)
    : await perUnit(units, (businessUnitId) => AssetModel.find({ businessUnitId, 'risk.total': { $gt: 0 } }, projection).sort({ 'risk.total': -1, 'risk.max': -1, _id: 1 }).limit(TOP).lean());
  return assets
    .sort(order)
    .slice(0, TOP)
    .map((asset) => ({ id: asset._id, name: asset.name, businessUnitId: asset.businessUnitId, riskMax: asset.risk.max, riskTotal: asset.risk.total, openFindings: asset.openFindings?.total ?? 0 }));
}

/**
 * The dashboard of the caller's units, from rollups and counters only (no query of the findings): open findings
 * per severity, 90 days of trends, KEV exposure, SLA breaches, mean time to remediate, the riskiest assets and the
 * vulnerabilities with the most open findings.
 */
export async function getDashboardOverview(options: { scope: Scope; now?: Date }): Promise<DashboardOverview> {
  const now = options.now ?? new Date();
  const units = await unitIdsOfScope(options.scope);
  const byHistogram = await rankHistogramsBuilt();
  const [trend, kevAssets, assets, vulns] = await Promise.all([
    readFindingTrends({ businessUnitIds: units, days: DASHBOARD_TREND_DAYS, now }),
    perUnit(units, async (businessUnitId) => [
      byHistogram ? await rankHistogramTotal({ kind: 'kev-asset-open', businessUnitId }) : await FindingKevAssetModel.countDocuments({ businessUnitId, open: { $gt: 0 } }),
    ]),
    topAssets(units, byHistogram),
    topVulnerabilities(units, byHistogram),
  ]);
  const today = trend[trend.length - 1]!;
  const remediated = trend.reduce((sum, point) => sum + point.remediated, 0);
  const remediationHours = trend.reduce((sum, point) => sum + point.remediationHours, 0);
  return {
    generatedAt: now.toISOString(),
    severity: today.open,
    trend,
    kev: { openFindings: today.kevOpen, assetsAffected: kevAssets.reduce((sum, n) => sum + n, 0) },
    sla: { breached: today.slaBreached },
    meanTimeToRemediateHours: remediated > 0 ? Math.round((remediationHours / remediated) * 10) / 10 : null,
    topAssets: assets,
    topVulnerabilities: vulns,
  };
}
