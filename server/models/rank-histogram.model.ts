import type { Collection } from 'mongodb';
import { Schema } from 'mongoose';
import { defineModel } from './define-model';

export const RANK_KINDS = ['asset-risk', 'vuln-open', 'kev-asset-open'] as const;
export type RankKind = (typeof RANK_KINDS)[number];

/**
 * How many of a business unit's assets (or vulnerabilities) hold each value of one dashboard measure, `_id` =
 * `${kind}|${businessUnitId}`, `ranks` mapping `r<value × 10>` to a count (values ≤ 0 are not counted):
 * - `asset-risk`: assets by the sum of their open findings' risk (asset.risk.total);
 * - `vuln-open`: vulnerabilities by their open findings (finding_vuln_counts.open);
 * - `kev-asset-open`: assets by their open KEV findings (finding_kev_assets.open).
 * Kept with `$inc` where those values change, so the dashboard finds its top ten by reading the few values at the
 * top and then only the documents holding them (README "Findings list at a million findings").
 */
export interface RankHistogram {
  _id: string;
  kind: RankKind;
  businessUnitId: string;
  ranks: Record<string, number>;
}

const rankHistogramSchema = new Schema<RankHistogram>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: RANK_KINDS, required: true },
    businessUnitId: { type: String, required: true },
    ranks: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { collection: 'rank_histograms', versionKey: false, minimize: false },
);
rankHistogramSchema.index({ businessUnitId: 1 });

export const RankHistogramModel = defineModel<RankHistogram>('RankHistogram', rankHistogramSchema);

/** The driver's collection, for `$inc` upserts. */
export const rankHistogramCollection = () => RankHistogramModel.collection as unknown as Collection<RankHistogram>;
