import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { inject } from 'vitest';

/** A database name of the test file's own, on the shared test FerretDB. */
export function testDatabaseUri(): { uri: string; dbName: string } {
  const dbName = `t_${randomBytes(6).toString('hex')}`;
  return { uri: `${inject('ferretdbUri').replace(/\/+$/, '')}/${dbName}`, dbName };
}

/**
 * PostgreSQL refuses a DROP SCHEMA that races another file's DDL on the shared catalog ("tuple concurrently
 * updated"); the drop is tried again, as a user would.
 */
const CATALOG_RACE = /tuple concurrently updated|deadlock detected/;

export async function dropDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.connect();
    for (let attempt = 1; ; attempt++) {
      try {
        await client.db().dropDatabase();
        return;
      } catch (error) {
        if (attempt >= 5 || !CATALOG_RACE.test((error as Error).message)) throw error;
        await sleep(100 * attempt);
      }
    }
  } finally {
    await client.close();
  }
}

/**
 * Every document of every collection, read through the plain driver with no auto-decryption:
 * what a thief with a copy of the database would see.
 */
export async function rawDump(uri: string): Promise<Record<string, Record<string, unknown>[]>> {
  const client = new MongoClient(uri);
  try {
    await client.connect();
    const db = client.db();
    const dump: Record<string, Record<string, unknown>[]> = {};
    for (const { name } of await db.listCollections().toArray()) dump[name] = await db.collection(name).find({}).toArray();
    return dump;
  } finally {
    await client.close();
  }
}

/** Finds a marker anywhere in a raw dump, including inside binary values. */
export function dumpContains(dump: Record<string, Record<string, unknown>[]>, marker: string): boolean {
  const seen = (value: unknown): boolean => {
    if (typeof value === 'string') return value.includes(marker);
    if (value && typeof value === 'object') {
      if ('buffer' in value && (value as { buffer: unknown }).buffer instanceof Uint8Array) {
        return Buffer.from((value as { buffer: Uint8Array }).buffer).includes(marker);
      }
      return Object.values(value).some(seen);
    }
    return false;
  };
  return Object.values(dump).some((docs) => docs.some(seen));
}
