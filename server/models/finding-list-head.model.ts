import { Schema } from 'mongoose';
import { plainCollection } from '../db/plain-connection';
import { defineModel } from './define-model';

/**
 * The first findings of one business unit's list of open findings in risk order, for one KEV filter, exception
 * filter and severity (or every severity): a **list head** (README "Findings list at a million findings",
 * server/services/findings/finding-list-heads.ts). `entries` holds up to LIST_HEAD_SIZE findings as list rows hold
 * them, in list order, one per line of one string: page 1 of such a list is one document instead of a page of rows.
 * The head is always the beginning of the list, `count` findings long; `exhaustive` when it holds every finding of
 * the list. Made by the first read that needs it, changed by the roll-up of each asset that has findings in it or
 * would enter it, by read-modify-write on `revision`.
 */
export interface FindingListHead {
  _id: string;
  businessUnitId: string;
  entries: string;
  count: number;
  exhaustive: boolean;
  revision: number;
}

const findingListHeadSchema = new Schema<FindingListHead>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    // Empty for a head of no findings.
    entries: { type: String, default: '' },
    count: { type: Number, required: true },
    exhaustive: { type: Boolean, required: true },
    revision: { type: Number, required: true },
  },
  { collection: 'finding_list_heads', versionKey: false },
);
// A unit's recount deletes its heads.
findingListHeadSchema.index({ businessUnitId: 1 });

export const FindingListHeadModel = defineModel<FindingListHead>('FindingListHead', findingListHeadSchema);

/** The driver's collection through the plain connection (server/db/plain-connection.ts): the list reads heads on every request. */
export const findingListHeadCollection = () => plainCollection<FindingListHead>('finding_list_heads');
