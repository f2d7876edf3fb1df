import type { Collection } from 'mongodb';
import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import type { ExceptionState, FindingStatus } from './finding.model';
import type { KbSeverity } from './kb-vulnerability.model';

/** A status, `open` (new, active or reopened) or `any`: the list's status filter, or none. */
export type CellStatusKey = FindingStatus | 'open' | 'any';
export type CellKevKey = 'kev' | 'no' | 'any';
export type CellExceptionKey = ExceptionState | 'none' | 'any';

/**
 * The findings of one business unit with one severity that a combination of the list's status, KEV and exception
 * filters takes (`any`: that filter not set), counted per risk score (README "Findings list at a million findings").
 * A finding counts in each cell whose keys it matches, so any such filter reads one cell per severity.
 * `_id` = findingListCellId(...); `ranks` maps `r<risk × 10>` to a count. Kept with `$inc` from the per-asset
 * contributions, so the findings list knows its total and where each page starts without counting or sorting a
 * million findings.
 */
export interface FindingListCell {
  _id: string;
  businessUnitId: string;
  statusKey: CellStatusKey;
  severity: KbSeverity;
  kevKey: CellKevKey;
  exceptionKey: CellExceptionKey;
  ranks: Record<string, number>;
}

const findingListCellSchema = new Schema<FindingListCell>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    statusKey: { type: String, required: true },
    severity: { type: String, required: true },
    kevKey: { type: String, required: true },
    exceptionKey: { type: String, required: true },
    ranks: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { collection: 'finding_list_cells', versionKey: false, minimize: false },
);
findingListCellSchema.index({ businessUnitId: 1, statusKey: 1, kevKey: 1, exceptionKey: 1 });

export const FindingListCellModel = defineModel<FindingListCell>('FindingListCell', findingListCellSchema);

/** The driver's collection, for `$inc` upserts. */
export const findingListCellCollection = () => FindingListCellModel.collection as unknown as Collection<FindingListCell>;
