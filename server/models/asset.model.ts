import { Schema } from 'mongoose';
import type { InventoryOs } from '../inventory/inventory.schema';
import type { KbSeverity } from './kb-vulnerability.model';
import { defineModel } from './define-model';

/**
 * One host of a business unit, as scans saw it (SPEC §2.1). Identity survives IP changes: a host is recognised by
 * its SSH host key first, then by hostname, then by address (server/services/assets/record-host-result.ts).
 * Everything here is the non-secret summary; raw banners and the inventory script's output live only in
 * `evidence`, encrypted. The packages themselves are in the stored inventory (`inventories`, `_id` = asset id).
 */

export interface AssetHostKey {
  algorithm: string;
  /** `SHA256:…` as OpenSSH prints it. */
  fingerprint: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** A host key the asset did not know was presented (trust on first use): scans do not trust it until cleared. */
export interface AssetHostKeyAlert {
  /** The fingerprints the asset knew. */
  expected: string[];
  /** What the host presented; null when the scanner only reported a mismatch. */
  presented: string | null;
  at: Date;
}

export interface AssetService {
  port: number;
  proto: 'tcp';
  name: string;
  product: string | null;
  version: string | null;
  cpe: string | null;
  tls: { subject: string; issuer: string; notBefore: string; notAfter: string; protocols: string[]; fingerprint256: string | null } | null;
  http: { status: number; server: string | null; title: string | null } | null;
}

/** Open findings per severity, kept on the asset so lists sort and show them without a join. */
export type AssetFindingCounts = Record<KbSeverity, number> & { total: number };

export const EMPTY_FINDING_COUNTS: AssetFindingCounts = { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0, total: 0 };

/** How much the business depends on the host, 1 (lab box) to 5 (crown jewels); it weighs each finding's risk. */
export const ASSET_CRITICALITY_MIN = 1;
export const ASSET_CRITICALITY_MAX = 5;
export const DEFAULT_ASSET_CRITICALITY = 3;

/** Risk of the asset's open findings without an approved exception: the worst one and the sum (README "Vulnerability workflow"). */
export interface AssetRisk {
  max: number;
  total: number;
}

export const NO_RISK: AssetRisk = { max: 0, total: 0 };

/**
 * Each part is BinData subtype 6 on disk (random encryption, purpose "evidence"), replaced independently: a
 * services-only scan renews the banners and keeps the last inventory output.
 */
export interface AssetEvidence {
  /** Decrypts to { collectedAt, banners: [{ port, banner }] }. */
  services: unknown;
  /** Decrypts to { collectedAt, rawOutput, truncated }. */
  inventory: unknown;
}

export interface Asset {
  _id: string;
  businessUnitId: string;
  /** For display: the hostname, else the address. */
  name: string;
  /** Lower case, most recent first. */
  hostnames: string[];
  /** Most recent first. An address belongs to one asset of a unit at a time. */
  addresses: string[];
  sshHostKeys: AssetHostKey[];
  macs: string[];
  os: InventoryOs | null;
  kernel: string | null;
  services: AssetService[];
  packageCount: number;
  /** When the last SSH inventory was stored (null: the asset was only ever seen from the network). */
  inventoryAt: Date | null;
  openFindings: AssetFindingCounts;
  criticality: number;
  risk: AssetRisk;
  /** `risk.total` again at the top level, where FerretDB 1.24 can hand an equality on it to PostgreSQL (it keeps dotted paths). */
  riskTotal: number;
  lastScanRunId: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  hostKeyAlert: AssetHostKeyAlert | null;
  evidence: AssetEvidence;
}

const assetSchema = new Schema<Asset>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    name: { type: String, required: true },
    hostnames: { type: [String], default: [] },
    addresses: { type: [String], default: [] },
    sshHostKeys: { type: Schema.Types.Mixed, default: [] },
    macs: { type: [String], default: [] },
    os: { type: Schema.Types.Mixed, default: null },
    kernel: { type: String, default: null },
    services: { type: Schema.Types.Mixed, default: [] },
    packageCount: { type: Number, default: 0 },
    inventoryAt: { type: Date, default: null },
    openFindings: { type: Schema.Types.Mixed, default: () => ({ ...EMPTY_FINDING_COUNTS }) },
    criticality: { type: Number, min: ASSET_CRITICALITY_MIN, max: ASSET_CRITICALITY_MAX, default: DEFAULT_ASSET_CRITICALITY },
    risk: { type: Schema.Types.Mixed, default: () => ({ ...NO_RISK }) },
    riskTotal: { type: Number, default: 0 },
    lastScanRunId: { type: String, default: null },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    hostKeyAlert: { type: Schema.Types.Mixed, default: null },
    evidence: { type: Schema.Types.Mixed, default: () => ({ services: null, inventory: null }) },
  },
  { collection: 'assets', versionKey: false, minimize: false },
);
assetSchema.index({ businessUnitId: 1, addresses: 1 });
assetSchema.index({ businessUnitId: 1, hostnames: 1 });
assetSchema.index({ businessUnitId: 1, 'sshHostKeys.fingerprint': 1 });
assetSchema.index({ businessUnitId: 1, lastSeenAt: -1 });
assetSchema.index({ businessUnitId: 1, 'risk.max': -1 });
// The dashboard's riskiest assets: by total risk (rank histogram `asset-risk`).
assetSchema.index({ businessUnitId: 1, riskTotal: -1 });

export const AssetModel = defineModel<Asset>('Asset', assetSchema);

/** Projection of every read but the scan path's own: ciphertext never leaves the data layer by accident. */
export const WITHOUT_EVIDENCE = { evidence: 0 } as const;
