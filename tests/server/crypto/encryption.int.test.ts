import { renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { Binary, MongoClient } from 'mongodb';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';
import type { Runtime } from '../../../server/runtime/runtime';

const { uri } = testDatabaseUri();
let runtime: Runtime;

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('field-level encryption on FerretDB', () => {
  it('stores BinData subtype 6 and decrypts automatically on read', async () => {
    const cipher = await runtime.encryption.encrypt('evidence-marker-1', { purpose: 'evidence' });
    expect(cipher.sub_type).toBe(6);
    await mongoose.connection.db!.collection('samples').insertOne({ _id: 'a' as never, value: cipher });

    const decrypted = await mongoose.connection.db!.collection('samples').findOne({ _id: 'a' as never });
    expect(decrypted?.value).toBe('evidence-marker-1');

    const raw = new MongoClient(uri);
    await raw.connect();
    const stored = await raw.db().collection('samples').findOne({ _id: 'a' as never });
    await raw.close();
    expect(stored?.value).toBeInstanceOf(Binary);
    expect((stored?.value as Binary).sub_type).toBe(6);
    expect(Buffer.from((stored?.value as Binary).buffer).includes('evidence-marker-1')).toBe(false);
  });

  it('deterministic encryption allows equality lookups; random encryption never repeats', async () => {
    const a = await runtime.encryption.encrypt('alice@example.org', { purpose: 'sensitive', deterministic: true });
    const b = await runtime.encryption.encrypt('alice@example.org', { purpose: 'sensitive', deterministic: true });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    await mongoose.connection.db!.collection('people').insertOne({ email: a });
    const found = await mongoose.connection.db!.collection('people').findOne({ email: b });
    expect(found?.email).toBe('alice@example.org');

    const r1 = await runtime.encryption.encrypt('same', { purpose: 'sensitive' });
    const r2 = await runtime.encryption.encrypt('same', { purpose: 'sensitive' });
    expect(Buffer.from(r1.buffer).equals(Buffer.from(r2.buffer))).toBe(false);
  });

  it('keeps one data key per purpose, found by alt name', async () => {
    await runtime.encryption.encrypt('x', { purpose: 'credentials' });
    await runtime.encryption.encrypt('y', { purpose: 'credentials' });
    const keys = await mongoose.connection.db!.collection('keyvault').find({}).toArray();
    const names = keys.flatMap((key) => key.keyAltNames as string[]).sort();
    expect(names).toEqual(['vigil-credentials', 'vigil-evidence', 'vigil-sensitive']);
  });

  it('decrypts explicitly what was read without auto-decryption', async () => {
    const cipher = await runtime.encryption.encrypt({ nested: 'doc' }, { purpose: 'evidence' });
    expect(await runtime.encryption.decrypt(cipher)).toEqual({ nested: 'doc' });
  });
});

describe('master key protection', () => {
  it('refuses to start without the key file when encrypted data exists, and changes nothing', async () => {
    const keyFile = runtime.config.masterKeyFile;
    const before = await snapshot();
    await closeRuntime();
    renameSync(keyFile, `${keyFile}.moved`);
    await expect(openTestRuntime({ uri, masterKeyFile: keyFile })).rejects.toThrow(/master key file .* is missing but the database holds 3 encrypted data key/);
    expect(await snapshot()).toEqual(before);

    writeFileSync(keyFile, `${randomBytes(96).toString('base64')}\n`, { mode: 0o600 });
    await expect(openTestRuntime({ uri, masterKeyFile: keyFile })).rejects.toThrow(/master key does not open this database's data keys/);
    expect(await snapshot()).toEqual(before);

    renameSync(`${keyFile}.moved`, keyFile);
    runtime = await openTestRuntime({ uri, masterKeyFile: keyFile });
    const decrypted = await mongoose.connection.db!.collection('samples').findOne({ _id: 'a' as never });
    expect(decrypted?.value).toBe('evidence-marker-1');
  });
});

async function snapshot(): Promise<string> {
  const raw = new MongoClient(uri);
  await raw.connect();
  const db = raw.db();
  const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  await raw.close();
  return JSON.stringify(out);
}
