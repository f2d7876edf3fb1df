import type { RequestMeta } from '../../auth/request-meta';
import { scopeFilter } from '../../auth/scope';
import { forEachWrite } from '../../db/write-limits';
import { AppError } from '../../errors/app-error';
import { AssetModel, DEFAULT_ASSET_CRITICALITY, type AssetRisk } from '../../models/asset.model';
import { FindingModel } from '../../models/finding.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { riskBucket, riskScore } from './risk-score';
import { refreshOpenFindingRollup } from './risk-rollup';

/**
 * Sets how critical an asset is (1–5) and re-scores its findings, then its rollup: criticality weighs every
 * finding's risk. Audited; another unit's asset is NOT_FOUND.
 */
export async function setAssetCriticality(options: { acting: Acting; assetId: string; criticality: number; meta: RequestMeta }): Promise<{ assetId: string; criticality: number; risk: AssetRisk }> {
  requirePermission(options.acting, 'assets:manage');
  const asset = await AssetModel.findOne({ ...scopeFilter(scopeOfActing(options.acting)), _id: options.assetId }, { name: 1, businessUnitId: 1, criticality: 1 }).lean();
  if (!asset) throw new AppError('NOT_FOUND', `asset ${options.assetId} not found`);
  const previous = asset.criticality ?? DEFAULT_ASSET_CRITICALITY;
  await AssetModel.updateOne({ _id: asset._id }, { $set: { criticality: options.criticality } });
  const findings = await FindingModel.find({ assetId: asset._id }, { cvss: 1, severity: 1, epss: 1, kev: 1, riskScore: 1 }).lean();
  const rescored = findings.map((finding) => ({ id: finding._id, before: finding.riskScore, after: riskScore({ ...finding, criticality: options.criticality }) })).filter(({ before, after }) => before !== after);
  await forEachWrite(rescored, ({ id, after }) => FindingModel.updateOne({ _id: id }, { $set: { riskScore: after, riskBucket: riskBucket(after) } }));
  const { risk } = await refreshOpenFindingRollup({ assetId: asset._id });
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'asset.criticality',
    target: { type: 'asset', id: asset._id, label: asset.name },
    ip: options.meta.ip,
    outcome: 'success',
    details: { criticality: options.criticality, previousCriticality: previous, rescoredFindings: rescored.length },
    businessUnitId: asset.businessUnitId,
  });
  return { assetId: asset._id, criticality: options.criticality, risk };
}
