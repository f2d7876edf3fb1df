import { createHash } from 'node:crypto';

/**
 * The order of findings that share a risk score and severity (README "Findings list at a million findings"): by a
 * hash of the finding's id (`tieHash`, 12 bits), then the id. Thousands of findings can share the top score (risk
 * is capped at 100); the list rows carry the hash at six resolutions (4, 16, …, 4,096 buckets) in their rank keys,
 * so that a page of such a tie reads about a page of rows.
 */
export const TIE_HASH_BITS = 12;
export const TIE_LEVELS = 6;
/** Buckets at a level: 4^level (level 0: one bucket, the whole group). */
export const bucketsAtLevel = (level: number) => 4 ** level;

/** The bucket holding a hash at a level: its top 2 × level bits, so buckets keep the hash order. */
export const bucketOfHash = (tieHash: number, level: number) => tieHash >> (TIE_HASH_BITS - 2 * level);

export const tieHashOf = (findingId: string) => createHash('sha256').update(findingId).digest().readUInt16BE(0) >> (16 - TIE_HASH_BITS);

/**
 * The coarsest level whose buckets hold, on average, fewer than `wanted` of `matching` rows but at least a quarter
 * of them: reading buckets in order from there takes two to five small queries and reads about 1.1–1.5 × `wanted`
 * rows. (Rows cost more than queries here: FerretDB decodes about 12,000 rows a second on two cores, and answers
 * some 2,000 small queries.)
 */
export function levelFor(matching: number, wanted: number): number {
  let level = 0;
  while (level < TIE_LEVELS && matching / bucketsAtLevel(level + 1) >= wanted / 4) level += 1;
  return level;
}
