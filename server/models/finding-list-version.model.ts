import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * How often a business unit's findings list has changed (`_id` = the unit's id; `*` for a change of every unit's,
 * such as the SLA policy): a console keeps a page of the list while the versions of its units stay as they were
 * (server/services/findings/list-page-cache.ts).
 */
export interface FindingListVersion {
  _id: string;
  version: number;
}

const findingListVersionSchema = new Schema<FindingListVersion>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true, default: 0 },
  },
  { collection: 'finding_list_versions', versionKey: false },
);

export const FindingListVersionModel = defineModel<FindingListVersion>('FindingListVersion', findingListVersionSchema);
