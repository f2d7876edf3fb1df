import { describe, expect, it } from 'vitest';
import { isDuplicateKeyError, onlyDuplicateKeyErrors } from '../../../server/db/duplicate-key';

describe('duplicate key errors', () => {
  it.each([
    ['a unique index refusal', { code: 11000 }, true, true],
    ['another server error', { code: 112 }, false, false],
    ['not an object', null, false, false],
    ['a bulk insert refused only on duplicates (list)', { code: 65, writeErrors: [{ code: 11000 }, { err: { code: 11000 } }] }, false, true],
    ['a bulk insert refused on one duplicate (single write error)', { writeErrors: { code: 11000 } }, false, true],
    ['a bulk insert with a duplicate and another failure', { writeErrors: [{ code: 11000 }, { code: 121 }] }, false, false],
    ['a bulk insert error without write errors', { writeErrors: [] }, false, false],
  ])('%s', (_name, error, duplicate, onlyDuplicates) => {
    expect(isDuplicateKeyError(error)).toBe(duplicate);
    expect(onlyDuplicateKeyErrors(error)).toBe(onlyDuplicates);
  });
});
