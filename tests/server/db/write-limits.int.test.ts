import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteAllMatching } from '../../../server/db/write-limits';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();
const MATCHING = 70_000; // over PostgreSQL's 65,535 statement parameters
const ScratchModel = mongoose.model('WriteLimitsScratch', new Schema<{ _id: string; unit: string }>({ _id: String, unit: String }, { collection: 'write_limits_scratch', versionKey: false }));

beforeAll(async () => {
  await openTestRuntime({ uri });
  const collection = ScratchModel.collection;
  for (let i = 0; i < MATCHING / 1000; i++) await collection.insertMany(Array.from({ length: 1000 }, (_, j) => ({ _id: `a${i}-${j}` as never, unit: 'a' })));
  await collection.insertMany(Array.from({ length: 10 }, (_, j) => ({ _id: `b-${j}` as never, unit: 'b' })));
}, 120_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('deleting more documents than a statement takes parameters', () => {
  it('a plain deleteMany of 70,000 fails whole on FerretDB and deletes nothing', async () => {
    await expect(ScratchModel.deleteMany({ unit: 'a' })).rejects.toThrow(/65535 parameters/);
    expect(await ScratchModel.countDocuments({ unit: 'a' })).toBe(MATCHING);
  });

  it('deleteAllMatching deletes them all by batches and leaves the rest', async () => {
    expect(await deleteAllMatching(ScratchModel, { unit: 'a' })).toBe(MATCHING);
    expect(await ScratchModel.countDocuments({ unit: 'a' })).toBe(0);
    expect(await ScratchModel.countDocuments({ unit: 'b' })).toBe(10);
    expect(await deleteAllMatching(ScratchModel, { unit: 'a' })).toBe(0);
  });
});
