import type { FilterQuery, Model } from 'mongoose';

/**
 * FerretDB 1.24 on PostgreSQL leaks one pool connection per statement of a multi-statement
 * update command (a bulkWrite of several updateOne/replaceOne): after 50 such statements its
 * pool is exhausted and every later request hangs. Single-statement updates do not leak, so
 * updates are sent one per command, a few commands at a time. Inserts may be batched.
 */
const UPDATE_CONCURRENCY = 4;

export async function forEachWrite<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await write(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPDATE_CONCURRENCY, items.length) }, worker));
}

/**
 * FerretDB 1.24 on PostgreSQL deletes every document a filter matches in one statement with a parameter each, and
 * PostgreSQL's protocol takes at most 65,535: a larger deleteMany fails whole ("extended protocol limited to 65535
 * parameters") and deletes nothing. So deletions that can match that many go by batches.
 */
const DELETE_BATCH = 10_000;

/**
 * Deletes every document the filter matches, DELETE_BATCH at a time (by `_id` range: an `$in` of thousands of ids
 * costs FerretDB a comparison with each of them per document); returns how many.
 */
export async function deleteAllMatching<T>(model: Model<T>, filter: FilterQuery<T>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await model.find(filter, { _id: 1 }).sort({ _id: 1 }).limit(DELETE_BATCH).lean<{ _id: unknown }[]>();
    if (batch.length === 0) return deleted;
    deleted += (await model.deleteMany({ $and: [filter, { _id: { $lte: batch[batch.length - 1]!._id } }] } as FilterQuery<T>)).deletedCount;
    if (batch.length < DELETE_BATCH) return deleted;
  }
}
