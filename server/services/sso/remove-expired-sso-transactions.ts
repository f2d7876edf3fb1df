import { OidcTransactionModel } from '../../models/oidc-transaction.model';

/** Logins in flight that were never completed (the scheduled clean-up; no TTL indexes in the FerretDB subset). */
export async function removeExpiredSsoTransactions(options: { now?: Date } = {}): Promise<{ transactions: number }> {
  const result = await OidcTransactionModel.deleteMany({ expiresAt: { $lte: options.now ?? new Date() } });
  return { transactions: result.deletedCount };
}
