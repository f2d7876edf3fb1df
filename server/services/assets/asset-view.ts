import type { InventoryOs, InventoryPackage } from '../../inventory/inventory.schema';
import { DEFAULT_ASSET_CRITICALITY, NO_RISK, type AssetFindingCounts, type AssetRisk, type AssetService } from '../../models/asset.model';
import type { FindingView } from '../findings/finding-view';
import type { StoredAsset } from './asset-identity';

/** An asset as callers see it: never evidence, not even encrypted. Times are ISO 8601. */
export interface AssetSummary {
  id: string;
  businessUnitId: string;
  name: string;
  hostnames: string[];
  addresses: string[];
  os: InventoryOs | null;
  packageCount: number;
  serviceCount: number;
  openFindings: AssetFindingCounts;
  /** 1–5; weighs the risk of its findings. */
  criticality: number;
  /** Of its open findings without an approved exception: the worst score and the sum. */
  risk: AssetRisk;
  firstSeenAt: string;
  lastSeenAt: string;
  hostKeyAlert: { expected: string[]; presented: string | null; at: string } | null;
}

export interface AssetDetail extends AssetSummary {
  macs: string[];
  kernel: string | null;
  sshHostKeys: { algorithm: string; fingerprint: string; firstSeenAt: string; lastSeenAt: string }[];
  services: AssetService[];
  inventoryAt: string | null;
  lastScanRunId: string | null;
  packages: InventoryPackage[];
  /** Open and fixed, open first, riskiest first. */
  findings: FindingView[];
}

export function toAssetSummary(asset: StoredAsset): AssetSummary {
  return {
    id: asset._id,
    businessUnitId: asset.businessUnitId,
    name: asset.name,
    hostnames: asset.hostnames,
    addresses: asset.addresses,
    os: asset.os,
    packageCount: asset.packageCount,
    serviceCount: asset.services.length,
    openFindings: asset.openFindings,
    // Assets stored before criticality and risk existed read as the defaults until their next scan.
    criticality: asset.criticality ?? DEFAULT_ASSET_CRITICALITY,
    risk: asset.risk ?? NO_RISK,
    firstSeenAt: asset.firstSeenAt.toISOString(),
    lastSeenAt: asset.lastSeenAt.toISOString(),
    hostKeyAlert: asset.hostKeyAlert ? { ...asset.hostKeyAlert, at: asset.hostKeyAlert.at.toISOString() } : null,
  };
}

export function toAssetDetail(asset: StoredAsset, packages: InventoryPackage[], findings: FindingView[]): AssetDetail {
  return {
    ...toAssetSummary(asset),
    macs: asset.macs,
    kernel: asset.kernel,
    sshHostKeys: asset.sshHostKeys.map((key) => ({ algorithm: key.algorithm, fingerprint: key.fingerprint, firstSeenAt: key.firstSeenAt.toISOString(), lastSeenAt: key.lastSeenAt.toISOString() })),
    services: asset.services,
    inventoryAt: asset.inventoryAt?.toISOString() ?? null,
    lastScanRunId: asset.lastScanRunId,
    packages,
    findings,
  };
}
