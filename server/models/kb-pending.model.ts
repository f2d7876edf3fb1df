import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import { onlyDuplicateKeyErrors } from '../db/duplicate-key';

/**
 * KB keys whose record must be (re)built because a contribution changed. Kept apart from the
 * contributions so that marking and clearing costs a tiny insert or delete, not a rewrite of
 * a large document. Cleared only after the record is written: an interrupted merge resumes.
 */
export interface KbPending {
  _id: string;
}

const kbPendingSchema = new Schema<KbPending>({ _id: { type: String, required: true } }, { collection: 'kb_pending', versionKey: false });

export const KbPendingModel = defineModel<KbPending>('KbPending', kbPendingSchema);

/** Marks keys pending; a key already pending stays so (duplicates are expected and ignored). */
export async function markPending(keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    await KbPendingModel.collection.insertMany(keys.map((key) => ({ _id: key })) as never[], { ordered: false });
  } catch (error) {
    if (!onlyDuplicateKeyErrors(error)) throw error;
  }
}
