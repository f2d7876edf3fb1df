import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * One document, `_id` = `cells`: present once every business unit's list cells were counted from its findings
 * (findings recorded before the cells existed are in no cell until then, and the list reads them the slow way).
 */
export interface FindingListState {
  _id: string;
  builtAt: Date;
}

const findingListStateSchema = new Schema<FindingListState>(
  {
    _id: { type: String, required: true },
    builtAt: { type: Date, required: true },
  },
  { collection: 'finding_list_state', versionKey: false },
);

export const FindingListStateModel = defineModel<FindingListState>('FindingListState', findingListStateSchema);
