import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * Which list heads of a business unit have been made (`_id` = the unit's id; server/services/findings/
 * finding-list-heads.ts): an asset's roll-up reads this one document instead of looking up each of the dozens of
 * heads its findings could be in, most of which no one has read. A head is named here before it is made, and never
 * taken out: a name whose head is gone costs a lookup.
 */
export interface FindingListHeadSet {
  _id: string;
  heads: string[];
}

const findingListHeadSetSchema = new Schema<FindingListHeadSet>(
  {
    _id: { type: String, required: true },
    heads: { type: [String], default: [] },
  },
  { collection: 'finding_list_head_sets', versionKey: false },
);

export const FindingListHeadSetModel = defineModel<FindingListHeadSet>('FindingListHeadSet', findingListHeadSetSchema);
