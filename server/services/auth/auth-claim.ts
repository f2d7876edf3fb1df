import { randomUUID } from 'node:crypto';
import { AuthClaimModel } from '../../models/auth-claim.model';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export interface Claim {
  /** Gives the claim up before it expires (a no-op once someone else took it over). */
  release(): Promise<void>;
  /** Moves its expiry to `ttlMs` from now (a no-op once someone else took it over). */
  renew(ttlMs: number): Promise<void>;
}

async function insertClaim(id: string, holder: string, expiresAt: Date): Promise<boolean> {
  try {
    await AuthClaimModel.create({ _id: id, holder, expiresAt });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * Claims `id` until `ttlMs` from now; null when someone else holds it. Without transactions the
 * unique `_id` is the arbiter: of concurrent claimants exactly one insert succeeds, on MongoDB and
 * on FerretDB alike. An expired claim (its holder died or is long done) is taken over.
 */
export async function claimOnce(id: string, ttlMs: number, now: Date = new Date()): Promise<Claim | null> {
  const holder = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs);
  let claimed = await insertClaim(id, holder, expiresAt);
  if (!claimed) {
    const stale = await AuthClaimModel.deleteOne({ _id: id, expiresAt: { $lte: now } });
    claimed = stale.deletedCount === 1 && (await insertClaim(id, holder, expiresAt));
  }
  if (!claimed) return null;
  return {
    release: async () => {
      await AuthClaimModel.deleteOne({ _id: id, holder });
    },
    renew: async (ms) => {
      await AuthClaimModel.updateOne({ _id: id, holder }, { $set: { expiresAt: new Date(Date.now() + ms) } });
    },
  };
}

const FIRST_WAIT_MS = 5;
const LONGEST_WAIT_MS = 100;

/**
 * Runs `run` holding the claim `id`, one at a time across console nodes: while someone else holds it, tries again
 * after 5 ms, doubling up to 100 ms. A holder that died holds it `ttlMs` at most. With `renew`, a holder that lives
 * renews it every third of `ttlMs`, so a run may last longer than a dead holder blocks the others.
 */
export async function withClaim<T>(id: string, ttlMs: number, run: () => Promise<T>, options: { renew?: boolean } = {}): Promise<T> {
  let claim = await claimOnce(id, ttlMs);
  for (let wait = FIRST_WAIT_MS; !claim; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    claim = await claimOnce(id, ttlMs);
  }
  const held = claim;
  // A renewal that fails (the database away for a moment) is tried again at the next tick; the run's writes fail too.
  const renewal = options.renew ? setInterval(() => void held.renew(ttlMs).catch(() => undefined), ttlMs / 3) : undefined;
  try {
    return await run();
  } finally {
    clearInterval(renewal);
    await held.release();
  }
}
