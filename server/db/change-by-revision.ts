import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import { AppError } from '../errors/app-error';
import { isDuplicateKeyError } from './duplicate-key';

/** Far more than writers of one document ever collide: reaching it means something else rewrites it. */
const ATTEMPTS = 100;

/** What to do with the document as read: these fields set, a first version inserted, or nothing. */
export type RevisionChange<T> = { set: Partial<T> } | { insert: T } | null;

/**
 * Read-modify-write of one document by `_id`: `decide` is given the document as read (null: there is none), and its
 * change is written only if no one wrote the document in between (its `revision`, moved on by each write), else it
 * is read and decided again. MongoDB applies a conditional update atomically; the launcher lets one update of a
 * document through at a time, so FerretDB does too (deploy/ferretdb/README.md "Serialised updates").
 */
export async function changeByRevision<T extends { _id: string; revision: number }>(options: {
  collection: Collection<T>;
  _id: string;
  /** Named in the error when every attempt lost. */
  what: string;
  decide: (doc: T | null) => RevisionChange<T>;
}): Promise<void> {
  const { collection } = options;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(Math.random() * Math.min(50, 2 * attempt));
    const doc = (await collection.findOne({ _id: options._id } as Filter<T>)) as T | null;
    const change = options.decide(doc);
    if (change === null) return;
    if ('insert' in change) {
      try {
        await collection.insertOne(change.insert as OptionalUnlessRequiredId<T>);
        return;
      } catch (error) {
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
    }
    if (!doc) continue;
    const { matchedCount } = await collection.updateOne({ _id: options._id, revision: doc.revision } as Filter<T>, { $set: { ...change.set, revision: doc.revision + 1 } } as UpdateFilter<T>);
    if (matchedCount === 1) return;
  }
  throw new AppError('INTERNAL', `${options.what} changed under every one of ${ATTEMPTS} attempts to update it`);
}
