import { randomUUID } from 'node:crypto';
import { AuthClaimModel } from '../../models/auth-claim.model';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export interface Claim {
  /** Gives the claim up before it expires (a no-op once someone else took it over). */
  release(): Promise<void>;
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
  await AuthClaimModel.deleteMany({ expiresAt: { $lte: now } });
  return {
    release: async () => {
      await AuthClaimModel.deleteOne({ _id: id, holder });
    },
  };
}
