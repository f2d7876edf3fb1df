import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BSON, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerretDb, type RunningFerretDb } from '../../helpers/ferretdb';
import { createPgDatabase, dropPgDatabase } from '../../helpers/postgres';

/**
 * The launcher's serialised updates (deploy/ferretdb/README.md "Serialised updates"): FerretDB 1.24 updates a
 * document by reading it and writing it back whole, so concurrent updates of one document used to overwrite each
 * other (400 concurrent `$inc` left 16). Through the launcher every increment counts, a conditional claim has one
 * winner and an upsert by a filter makes one document, on both backends.
 */
const PARALLEL = 200;

interface Counter {
  _id: string;
  n: number;
  owner?: number | null;
}

const backends = [
  { name: 'sqlite', args: (dir: string) => ['--backend', 'sqlite', '--sqlite-dir', dir] },
  { name: 'postgresql', args: () => ['--backend', 'postgresql', '--postgresql-url', createPgDatabase(pgName)] },
] as const;
const pgName = `vigil_serialised_updates_${process.pid}`;

describe.each(backends)('FerretDB launcher, $name: concurrent updates of one document', ({ name, args }) => {
  let ferret: RunningFerretDb;
  let client: MongoClient;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-serialised-'));
    if (name === 'postgresql') dropPgDatabase(pgName);
    ferret = await startFerretDb(args(dataDir));
    client = await MongoClient.connect(ferret.uri, { maxPoolSize: 32 });
  });

  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
    if (name === 'postgresql') dropPgDatabase(pgName);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const collection = (label: string) => client.db('serialised').collection<Counter>(label);

  it('counts every one of concurrent $inc of one document, and of several documents updated at once', async () => {
    const counters = collection('increments');
    await counters.insertMany([{ _id: 'a', n: 0 }, { _id: 'b', n: 0 }]);
    await Promise.all(Array.from({ length: PARALLEL }, (_, i) => counters.updateOne({ _id: i % 2 === 0 ? 'a' : 'b' }, { $inc: { n: 1 } })));
    // A filter that is not one _id waits for the updates by _id, and they for it.
    await Promise.all([
      ...Array.from({ length: 20 }, () => counters.updateMany({}, { $inc: { n: 1 } })),
      ...Array.from({ length: 20 }, () => counters.updateOne({ _id: 'a' }, { $inc: { n: 1 } })),
    ]);
    expect(await counters.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: PARALLEL / 2 + 40 },
      { _id: 'b', n: PARALLEL / 2 + 20 },
    ]);
  });

  it('gives a conditional claim one winner', async () => {
    const jobs = collection('claims');
    await jobs.insertOne({ _id: 'job', n: 0, owner: null });
    const claims = await Promise.all(Array.from({ length: 32 }, (_, owner) => jobs.updateOne({ _id: 'job', owner: null }, { $set: { owner } })));
    expect(claims.filter((claim) => claim.modifiedCount === 1)).toHaveLength(1);
  });

  it('hands out each number of a sequence once (findOneAndUpdate with $inc)', async () => {
    const sequences = collection('sequences');
    const taken = await Promise.all(Array.from({ length: 64 }, () => sequences.findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' })));
    expect(new Set(taken.map((doc) => doc?.n)).size).toBe(64);
  });

  it('makes one document of concurrent upserts by a filter without _id', async () => {
    const days = client.db('serialised').collection<{ day: string; n: number }>('days');
    await Promise.all(Array.from({ length: 32 }, () => days.updateOne({ day: '2026-12-03' }, { $inc: { n: 1 } }, { upsert: true })));
    expect(await days.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ day: '2026-12-03', n: 32 }]);
  });

  it('lets go of updates of two documents sent under one request id, so both stay writable', async () => {
    const { hostname, port } = new URL(ferret.uri);
    const messageFor = (_id: string) => {
      const body = BSON.serialize({ update: 'reused', updates: [{ q: { _id }, u: { $inc: { n: 1 } }, upsert: true }], $db: 'serialised' });
      const message = Buffer.alloc(16 + 5 + body.length);
      message.writeInt32LE(message.length, 0);
      message.writeInt32LE(7, 4);
      message.writeInt32LE(2013, 12);
      Buffer.from(body).copy(message, 21);
      return message;
    };
    const replies = await new Promise<number>((resolve, reject) => {
      let received = Buffer.alloc(0);
      const socket = connect(Number(port), hostname, () => socket.write(Buffer.concat([messageFor('r1'), messageFor('r2')])));
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        let count = 0;
        for (let at = 0; at + 4 <= received.length && at + received.readInt32LE(at) <= received.length; at += received.readInt32LE(at)) count++;
        if (count === 2) socket.end(() => resolve(count));
      });
      socket.on('error', reject);
    });
    expect(replies).toBe(2);
    for (const _id of ['r1', 'r2']) await collection('reused').updateOne({ _id }, { $inc: { n: 1 } }, { timeoutMS: 5000 });
    expect(await collection('reused').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'r1', n: 2 },
      { _id: 'r2', n: 2 },
    ]);
  });

  it('drops a connection that announces an oversized message and goes on serving the others', async () => {
    const { hostname, port } = new URL(ferret.uri);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        const header = Buffer.alloc(16);
        header.writeInt32LE(64 * 1024 * 1024, 0);
        header.writeInt32LE(2013, 12);
        socket.write(header);
      });
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
      setTimeout(() => resolve(false), 10_000);
    });
    expect(closed).toBe(true);
    expect(await collection('increments').countDocuments()).toBe(2);
  });
});
