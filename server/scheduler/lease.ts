import { LeaseClaimModel, LeaseModel } from '../models/lease.model';
import { isDuplicateKeyError } from '../db/duplicate-key';

/** Claims older than this many generations are removed; nobody can still be racing for them. */
const CLAIMS_KEPT = 10;

/**
 * Takes (or renews) a lease unless another holder has an unexpired one. Without transactions,
 * and on FerretDB whose conditional updates are not serialised, the arbiter is a unique insert:
 * whoever inserts the claim of the lease's next generation takes it; every concurrent taker of
 * the same free lease loses on the duplicate key.
 */
export async function acquireLease(options: { name: string; holder: string; ttlMs: number; now?: Date }): Promise<boolean> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + options.ttlMs);
  const lease = await LeaseModel.findById(options.name).lean();
  if (lease && lease.holder === options.holder && lease.expiresAt > now) {
    await LeaseModel.updateOne({ _id: options.name, holder: options.holder }, { $set: { expiresAt } });
    return true;
  }
  if (lease && lease.expiresAt > now) return false;
  const generation = (lease?.generation ?? 0) + 1;
  try {
    await LeaseClaimModel.create({ _id: `${options.name}#${generation}`, holder: options.holder, at: now });
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
  await LeaseModel.updateOne({ _id: options.name }, { $set: { holder: options.holder, expiresAt, generation } }, { upsert: true });
  if (generation > CLAIMS_KEPT) await LeaseClaimModel.deleteOne({ _id: `${options.name}#${generation - CLAIMS_KEPT}` });
  return true;
}

export async function releaseLease(options: { name: string; holder: string }): Promise<void> {
  await LeaseModel.updateOne({ _id: options.name, holder: options.holder }, { $set: { expiresAt: new Date(0) } });
}
