import type { Collection } from 'mongodb';
import { Schema } from 'mongoose';
import { EMPTY_FINDING_COUNTS, type AssetFindingCounts } from './asset.model';
import { defineModel } from './define-model';

/**
 * One business unit's findings on one UTC day (README "Vulnerability workflow: trends, dashboard and benchmark"),
 * `_id` = `${businessUnitId}|${YYYY-MM-DD}`. Kept with `$inc` upserts by the lifecycle transitions (no `$group` of
 * findings on the read path):
 * - `new`, `fixed`, `reopened`, `remediated`, `remediationHours`: events of that day (mean time to remediate =
 *   remediationHours / remediated, at read);
 * - `open` (per severity, open findings without an approved exception) and `kevOpen`: the day's change while
 *   `carried` is false; once the daily job has added the previous day's closing values (`carried` true), the
 *   closing values themselves. A reader folds the days in order, so a day not carried yet still reads right;
 * - `slaBreached`: snapshot taken by the daily job (breaches move with the clock, not with events).
 */
export interface FindingTrend {
  _id: string;
  businessUnitId: string;
  /** 00:00 UTC of the day. */
  day: Date;
  open: AssetFindingCounts;
  kevOpen: number;
  new: number;
  fixed: number;
  reopened: number;
  remediated: number;
  remediationHours: number;
  slaBreached: number;
  carried: boolean;
}

/** Every counter path at zero, for a day's first upsert (less the paths that upsert increments). */
export const zeroTrendCounters = (except: Record<string, unknown> = {}): Record<string, number> =>
  Object.fromEntries(
    [...Object.keys(EMPTY_FINDING_COUNTS).map((key) => `open.${key}`), 'kevOpen', 'new', 'fixed', 'reopened', 'remediated', 'remediationHours', 'slaBreached'].filter((path) => !(path in except)).map((path) => [path, 0]),
  );

const findingTrendSchema = new Schema<FindingTrend>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    day: { type: Date, required: true },
    open: { type: Schema.Types.Mixed, default: () => ({ ...EMPTY_FINDING_COUNTS }) },
    kevOpen: { type: Number, default: 0 },
    new: { type: Number, default: 0 },
    fixed: { type: Number, default: 0 },
    reopened: { type: Number, default: 0 },
    remediated: { type: Number, default: 0 },
    remediationHours: { type: Number, default: 0 },
    slaBreached: { type: Number, default: 0 },
    carried: { type: Boolean, default: false },
  },
  { collection: 'finding_trends', versionKey: false, minimize: false },
);
findingTrendSchema.index({ businessUnitId: 1, day: -1 });

export const FindingTrendModel = defineModel<FindingTrend>('FindingTrend', findingTrendSchema);

/** The driver's collection: `$inc` upserts go past mongoose, whose insert defaults would collide with the `$inc` paths. */
export const findingTrendCollection = () => FindingTrendModel.collection as unknown as Collection<FindingTrend>;
