import { randomUUID } from 'node:crypto';
import { MutexModel } from '../models/mutex.model';
import { isDuplicateKeyError } from './duplicate-key';

const FIRST_WAIT_MS = 5;
const LONGEST_WAIT_MS = 100;

/**
 * Runs `run` while holding the mutex `name`, across console nodes: taken by inserting its document (a unique `_id`
 * settles a race on FerretDB as on MongoDB), given back by deleting it. A waiter tries again after 5 ms, doubling up
 * to 100 ms. A mutex whose holder died is taken over once `ttlMs` is past; two waiters taking over the same dead
 * holder's mutex at the same moment could both get it (FerretDB's delete reads before it deletes), which needs a
 * crash first.
 */
export async function withMutex<T>(options: { name: string; ttlMs: number }, run: () => Promise<T>): Promise<T> {
  const holder = randomUUID();
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    try {
      await MutexModel.collection.insertOne({ _id: options.name as never, holder, expiresAt: new Date(Date.now() + options.ttlMs) });
      break;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    await MutexModel.deleteOne({ _id: options.name, expiresAt: { $lte: new Date() } });
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  try {
    return await run();
  } finally {
    await MutexModel.deleteOne({ _id: options.name, holder });
  }
}
