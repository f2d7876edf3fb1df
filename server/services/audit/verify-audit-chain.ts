import { AuditEntryModel, type StoredAuditEntry } from '../../models/audit-entry.model';
import { AUDIT_HEAD_ID, AuditHeadModel } from '../../models/audit-head.model';
import { GENESIS_PREV_HASH, auditEntryHash } from './audit-hash';

export type AuditChainVerdict =
  | { intact: true; entries: number; headSeq: number }
  | { intact: false; entries: number; firstBroken: { seq: number; id: string; problem: string } };

const CURSOR_BATCH_SIZE = 500;
/** Named when the log holds no entry at all but the head says it should. */
const NO_ENTRY = { seq: 0, id: 'none' };

/** What is wrong with the entry read where `expectedSeq` belongs, after an entry hashed `prevHash`. */
function chainProblem(entry: StoredAuditEntry, expectedSeq: number, prevHash: string): string | null {
  if (typeof entry.seq !== 'number' || entry.seq < expectedSeq) return `out of order: seq ${String(entry.seq)} where seq ${expectedSeq} belongs`;
  if (entry.seq > expectedSeq) return `entry missing before seq ${entry.seq} (deleted?)`;
  const hashHolds = auditEntryHash(entry) === entry.hash;
  const linked = entry.prevHash === prevHash;
  if (!hashHolds && !linked) return 'out of order: this entry was moved here or replaced (neither its hash nor its link holds)';
  if (!hashHolds) return 'content edited: hash mismatch';
  if (!linked) {
    const previous = expectedSeq === 1 ? 'the genesis value' : `the hash of seq ${expectedSeq - 1} (that entry edited and re-hashed?)`;
    return `link broken: prevHash is not ${previous}`;
  }
  return null;
}

/**
 * Walks the whole log in seq order with a cursor (constant memory) and names the first entry
 * where the chain does not hold: seq not contiguous from 1, prevHash not the previous hash, hash not
 * the hash of the entry's content, or the head record disagreeing with the entries. A head behind
 * the last entry is not a break: a node can stop between inserting an entry and moving the head.
 */
export async function verifyAuditChain(): Promise<AuditChainVerdict> {
  // Read before the entries, so entries appended meanwhile are at or after the head.
  const head = await AuditHeadModel.findById(AUDIT_HEAD_ID).lean();
  const broken = async (at: { seq: number; id: string }, problem: string): Promise<AuditChainVerdict> => ({
    intact: false,
    entries: await AuditEntryModel.countDocuments(),
    firstBroken: { ...at, problem },
  });

  let entries = 0;
  let last = NO_ENTRY;
  let prevHash = GENESIS_PREV_HASH;
  const cursor = AuditEntryModel.find({}).sort({ seq: 1, _id: 1 }).lean<StoredAuditEntry[]>().cursor({ batchSize: CURSOR_BATCH_SIZE });
  try {
    for await (const entry of cursor) {
      const expectedSeq = last.seq + 1;
      const here = { seq: typeof entry.seq === 'number' ? entry.seq : expectedSeq, id: String(entry._id) };
      const problem = chainProblem(entry, expectedSeq, prevHash);
      if (problem) return await broken(here, problem);
      if (head && entry.seq === head.seq && entry.hash !== head.hash) return await broken(here, 'hash differs from the head record (rewritten from here on?)');
      entries += 1;
      last = here;
      prevHash = entry.hash;
    }
  } finally {
    await cursor.close();
  }

  if (head && head.seq > last.seq) return broken(last, `tail truncated: head says ${head.seq}, entries after seq ${last.seq} are missing`);
  if (!head && entries > 0) return broken(last, 'head record missing (audit_head deleted?)');
  return { intact: true, entries, headSeq: last.seq };
}
