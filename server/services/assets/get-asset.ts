import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { AssetModel, WITHOUT_EVIDENCE } from '../../models/asset.model';
import { FindingModel, type FindingRecord } from '../../models/finding.model';
import { InventoryModel } from '../../models/inventory.model';
import { decodePackages } from '../detection/stored-inventory';
import { byUrgency, toFindingView } from '../findings/finding-view';
import { readSlaPolicy } from '../findings/sla-policy';
import type { StoredAsset } from './asset-identity';
import { toAssetDetail, type AssetDetail } from './asset-view';

/** One asset of the caller's business units with its services, packages and findings; another unit's is NOT_FOUND. */
export async function getAsset(options: { scope: Scope; id: string }): Promise<AssetDetail> {
  const asset = await AssetModel.findOne({ ...scopeFilter(options.scope), _id: options.id }, WITHOUT_EVIDENCE).lean<StoredAsset>();
  if (!asset) throw new AppError('NOT_FOUND', `asset ${options.id} not found`);
  const [inventory, findings, policy] = await Promise.all([
    asset.inventoryAt ? InventoryModel.findById(asset._id, { packagesText: 1 }).lean() : null,
    FindingModel.find({ assetId: asset._id, businessUnitId: asset.businessUnitId }).lean<FindingRecord[]>(),
    readSlaPolicy(),
  ]);
  const clock = { now: new Date(), policy };
  return toAssetDetail(asset, decodePackages(inventory?.packagesText ?? ''), findings.sort(byUrgency).map((finding) => toFindingView(finding, clock)));
}
