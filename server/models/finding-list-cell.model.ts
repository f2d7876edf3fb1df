import type { Collection } from 'mongodb';
import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import type { ExceptionState, FindingStatus } from './finding.model';
import type { KbSeverity } from './kb-vulnerability.model';

/**
 * The findings of one business unit that share a status, severity, KEV flag and exception state, counted per risk
 * score (README "Findings list at a million findings"). `_id` = findingListCellId(...); `ranks` maps `r<risk × 10>`
 * to a count. Kept with `$inc` from the per-asset contributions, so the findings list knows its total and where
 * each page starts without counting or sorting a million findings.
 */
export interface FindingListCell {
  _id: string;
  businessUnitId: string;
  status: FindingStatus;
  severity: KbSeverity;
  kev: boolean;
  exceptionState: ExceptionState | null;
  ranks: Record<string, number>;
}

const findingListCellSchema = new Schema<FindingListCell>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    status: { type: String, required: true },
    severity: { type: String, required: true },
    kev: { type: Boolean, required: true },
    exceptionState: { type: String, default: null },
    ranks: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { collection: 'finding_list_cells', versionKey: false, minimize: false },
);
findingListCellSchema.index({ businessUnitId: 1 });

export const FindingListCellModel = defineModel<FindingListCell>('FindingListCell', findingListCellSchema);

/** The driver's collection, for `$inc` upserts. */
export const findingListCellCollection = () => FindingListCellModel.collection as unknown as Collection<FindingListCell>;
