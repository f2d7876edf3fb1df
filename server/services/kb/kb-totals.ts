import { isDuplicateKeyError } from '../../db/duplicate-key';
import { KbTotalsModel, KB_TOTALS_ID } from '../../models/kb-totals.model';
import { KbVulnerabilityModel } from '../../models/kb-vulnerability.model';

export interface KbCounts {
  vulnerabilities: number;
  kevListed: number;
}

/** Counts the KB records themselves: on FerretDB a read of every record, so only where no kept totals can serve. */
async function countKbRecords(): Promise<KbCounts> {
  const [vulnerabilities, kevListed] = await Promise.all([KbVulnerabilityModel.countDocuments({}), KbVulnerabilityModel.countDocuments({ kevListed: true })]);
  return { vulnerabilities, kevListed };
}

/**
 * The KB's counts as the merge keeps them (kb-totals.model.ts). Where none are kept yet (a KB from before them), they
 * are counted once and kept — by insert only: a merge creates them before it writes a record, so a count that loses
 * that race is never kept. While a pass writes, the counts as of the pass before.
 */
export async function readKbTotals(): Promise<KbCounts> {
  const kept = await KbTotalsModel.findById(KB_TOTALS_ID, { vulnerabilities: 1, kevListed: 1 }).lean();
  if (kept) return { vulnerabilities: kept.vulnerabilities, kevListed: kept.kevListed };
  const counted = await countKbRecords();
  try {
    await KbTotalsModel.create({ _id: KB_TOTALS_ID, ...counted, writing: false });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  return counted;
}

/**
 * Makes the kept counts true before a merge writes, called holding the merge's claim: counted when there are none,
 * or when a pass died between its writes and its counts (`writing` still set).
 */
export async function ensureKbTotals(): Promise<void> {
  const kept = await KbTotalsModel.findById(KB_TOTALS_ID, { writing: 1 }).lean();
  if (kept && !kept.writing) return;
  await KbTotalsModel.replaceOne({ _id: KB_TOTALS_ID }, { ...(await countKbRecords()), writing: false }, { upsert: true });
}

/** Runs a merge pass's writes between marking the counts in doubt and adding the pass's `change` to them. */
export async function changingKbTotals(change: KbCounts, write: () => Promise<void>): Promise<void> {
  await KbTotalsModel.updateOne({ _id: KB_TOTALS_ID }, { $set: { writing: true } });
  await write();
  await KbTotalsModel.updateOne({ _id: KB_TOTALS_ID }, { $inc: change, $set: { writing: false } });
}
