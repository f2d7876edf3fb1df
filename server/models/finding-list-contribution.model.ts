import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * What one asset's findings add to its unit's list cells (`cells`: cell id → `r<risk × 10>` → count) and which list
 * rows they have (`rows`: `<hash> <finding id>`, finding-list-rows.ts), `_id` = the asset id. Kept beside the cells
 * so a refresh of the asset applies only the difference.
 */
export interface FindingListContribution {
  _id: string;
  businessUnitId: string;
  cells: Record<string, Record<string, number>>;
  rows: string[];
}

const findingListContributionSchema = new Schema<FindingListContribution>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    cells: { type: Schema.Types.Mixed, default: () => ({}) },
    rows: { type: [String], default: [] },
  },
  { collection: 'finding_list_contributions', versionKey: false, minimize: false },
);
findingListContributionSchema.index({ businessUnitId: 1 });

export const FindingListContributionModel = defineModel<FindingListContribution>('FindingListContribution', findingListContributionSchema);
