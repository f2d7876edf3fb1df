import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary } from 'mongodb';
import { PLAIN_COLLECTIONS, plainCollection, plainDb } from '../../../server/db/plain-connection';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import type { Runtime } from '../../../server/runtime/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

/**
 * The plain connection (server/db/plain-connection.ts): the same database without the driver's decryption pass, used
 * for the findings list's rows and packs only — an encrypted value read through it stays ciphertext.
 */
const { uri } = testDatabaseUri();
let runtime: Runtime;

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('plain connection', () => {
  it('reads and writes the same database as the runtime’s connection, without automatic decryption', async () => {
    expect(plainDb().databaseName).toBe(mongoose.connection.db!.databaseName);
    expect(mongoose.connection.getClient().options.autoEncryption).toBeDefined();
    expect(plainDb().client.options.autoEncryption).toBeUndefined();
    await plainCollection<{ _id: string; counts: string }>('finding_list_cell_packs').insertOne({ _id: 'p-1', counts: '{}' });
    expect(await mongoose.connection.db!.collection('finding_list_cell_packs').findOne({ _id: 'p-1' as never })).toEqual({ _id: 'p-1', counts: '{}' });
  });

  it('gives an encrypted value as its ciphertext, where the runtime’s connection decrypts it: so only collections holding none use it', async () => {
    const secret = await runtime.encryption.encrypt('s3cret', { purpose: 'sensitive' });
    await mongoose.connection.db!.collection('plain_connection_scratch').insertOne({ _id: 'e-1' as never, secret });
    expect((await mongoose.connection.db!.collection('plain_connection_scratch').findOne({ _id: 'e-1' as never }))?.secret).toBe('s3cret');
    const raw = (await plainDb().collection('plain_connection_scratch').findOne({ _id: 'e-1' as never }))?.secret as Binary;
    expect(raw).toBeInstanceOf(Binary);
    expect(raw.sub_type).toBe(6);
    expect(PLAIN_COLLECTIONS).toEqual(['finding_list_rows', 'finding_list_cell_packs', 'finding_list_heads']);
  });

  it('is closed with the runtime, and opened again with it', async () => {
    await closeRuntime();
    expect(() => plainDb()).toThrow(/not open/);
    runtime = await openTestRuntime({ uri, masterKeyFile: runtime.config.masterKeyFile });
    expect(await plainCollection('finding_list_cell_packs').countDocuments({ _id: 'p-1' as never })).toBe(1);
  });
});
