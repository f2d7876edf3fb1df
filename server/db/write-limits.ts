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
