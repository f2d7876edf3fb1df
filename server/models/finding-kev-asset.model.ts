import type { Collection } from 'mongodb';
import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * Open KEV findings (without an approved exception) of one asset, `_id` = asset id, kept with `$inc` by the lifecycle
 * transitions: the dashboard counts the assets exposed to known-exploited vulnerabilities from these, not from a
 * million findings.
 */
export interface FindingKevAsset {
  _id: string;
  businessUnitId: string;
  open: number;
}

const findingKevAssetSchema = new Schema<FindingKevAsset>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    open: { type: Number, required: true },
  },
  { collection: 'finding_kev_assets', versionKey: false },
);
findingKevAssetSchema.index({ businessUnitId: 1, open: -1 });

export const FindingKevAssetModel = defineModel<FindingKevAsset>('FindingKevAsset', findingKevAssetSchema);

/** The driver's collection, for `$inc` upserts. */
export const findingKevAssetCollection = () => FindingKevAssetModel.collection as unknown as Collection<FindingKevAsset>;
