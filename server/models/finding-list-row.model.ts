import { Schema } from 'mongoose';
import { plainCollection } from '../db/plain-connection';
import { defineModel } from './define-model';

/**
 * One finding as the findings list in risk order reads it (README "Findings list at a million findings"), `_id` = the
 * finding's id. `finding` holds the finding as JSON: FerretDB 1.24 decodes a stored document field by field through
 * encoding/json, and one string costs a fraction of forty fields. `rankKeys` (finding-list-rows.ts) name its unit,
 * status class (open or closed), risk score and severity, alone and with its tie bucket at each level, so a page is
 * read by one equality FerretDB hands to PostgreSQL. Kept by the asset's roll-up beside the list cells.
 */
export interface FindingListRow {
  _id: string;
  assetId: string;
  rankKeys: string[];
  finding: string;
}

const findingListRowSchema = new Schema<FindingListRow>(
  {
    _id: { type: String, required: true },
    assetId: { type: String, required: true },
    rankKeys: { type: [String], required: true },
    finding: { type: String, required: true },
  },
  { collection: 'finding_list_rows', versionKey: false },
);
findingListRowSchema.index({ rankKeys: 1 });
// Rows are read by rank key and replaced or deleted by asset (finding-list-rows.ts, rebuildFindingListCells).
findingListRowSchema.index({ assetId: 1 });

export const FindingListRowModel = defineModel<FindingListRow>('FindingListRow', findingListRowSchema);

/** The driver's collection, without mongoose's casting or the driver's decryption pass (server/db/plain-connection.ts): the list reads rows on every request. */
export const findingListRowCollection = () => plainCollection<FindingListRow>('finding_list_rows');
