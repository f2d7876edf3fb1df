import { describe, expect, it } from 'vitest';
import { bucketOfHash, bucketsAtLevel, levelFor, TIE_HASH_BITS, TIE_LEVELS, tieHashOf } from '../../../../server/services/findings/tie-order';

describe('tie order', () => {
  it('hashes a finding id to 12 bits, the same every time, spread over the range', () => {
    const hashes = Array.from({ length: 4096 }, (_, i) => tieHashOf(`asset-${i}|CVE-2026-${i} deb pkg`));
    expect(hashes.every((h) => Number.isInteger(h) && h >= 0 && h < 2 ** TIE_HASH_BITS)).toBe(true);
    expect(tieHashOf('asset-7|CVE-2026-7 deb pkg')).toBe(hashes[7]);
    // Every level-2 bucket (16 of them) gets some of 4,096 ids.
    expect(new Set(hashes.map((h) => bucketOfHash(h, 2))).size).toBe(16);
  });

  it.each([
    [0, 1, 0],
    [4095, 1, 3],
    [4095, TIE_LEVELS, 4095],
    [1024, 1, 1],
    [1023, 1, 0],
    [1023, 2, 3],
    [0b101101000000, 3, 0b101101],
  ])('puts hash %i at level %i into bucket %i', (hash, level, bucket) => {
    expect(bucketOfHash(hash, level)).toBe(bucket);
  });

  it('keeps the hash order across levels: a finer bucket lies inside its coarser one', () => {
    for (const hash of [0, 1, 777, 2048, 4095]) for (let level = 1; level < TIE_LEVELS; level++) expect(bucketOfHash(hash, level + 1) >> 2).toBe(bucketOfHash(hash, level));
    expect(bucketsAtLevel(0)).toBe(1);
    expect(bucketsAtLevel(TIE_LEVELS)).toBe(2 ** TIE_HASH_BITS);
  });

  it.each([
    [10, 50, 0],
    [49, 50, 0],
    [50, 50, 1],
    [199, 50, 1],
    [200, 50, 2],
    [22_400, 50, 5],
    [22_400, 200, 4],
    [10_000_000, 1, TIE_LEVELS],
  ])('reads %i matching findings for %i wanted at level %i', (matching, wanted, level) => {
    expect(levelFor(matching, wanted)).toBe(level);
  });
});
