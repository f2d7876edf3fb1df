import { LeaseModel } from '../models/lease.model';

const DUPLICATE_KEY = 11000;

/**
 * Takes (or renews) a lease unless another holder has an unexpired one. Atomic without
 * transactions: the conditional upsert either updates a free/own lease or, when someone else
 * holds it, fails on the duplicate _id.
 */
export async function acquireLease(options: { name: string; holder: string; ttlMs: number; now?: Date }): Promise<boolean> {
  const now = options.now ?? new Date();
  try {
    await LeaseModel.updateOne(
      { _id: options.name, $or: [{ expiresAt: { $lt: now } }, { holder: options.holder }] },
      { $set: { holder: options.holder, expiresAt: new Date(now.getTime() + options.ttlMs) } },
      { upsert: true },
    );
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

export async function releaseLease(options: { name: string; holder: string }): Promise<void> {
  await LeaseModel.updateOne({ _id: options.name, holder: options.holder }, { $set: { expiresAt: new Date(0) } });
}
