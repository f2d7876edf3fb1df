import { OidcTransactionModel } from '../../models/oidc-transaction.model';
import { deleteAllMatching } from '../../db/write-limits';

/** Logins in flight that were never completed (the scheduled clean-up; no TTL indexes in the FerretDB subset). */
export async function removeExpiredSsoTransactions(options: { now?: Date } = {}): Promise<{ transactions: number }> {
  return { transactions: await deleteAllMatching(OidcTransactionModel, { expiresAt: { $lte: options.now ?? new Date() } }) };
}
