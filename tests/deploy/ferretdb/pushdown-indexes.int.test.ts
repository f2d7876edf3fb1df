import { execFileSync } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startFerretDb, type RunningFerretDb } from '../../helpers/ferretdb';
import { createPgDatabase, dropPgDatabase } from '../../helpers/postgres';

/**
 * The launcher's pushdown indexes (deploy/ferretdb/README.md): on a PostgreSQL database of its own, it adds a GIN
 * index for `_id` and every field an index names, exactly on the expression FerretDB's equality pushdown sends, and
 * PostgreSQL answers those equalities from them; `--pushdown-indexes=false` adds none.
 */
const started: { ferret: RunningFerretDb; pgName: string }[] = [];

async function launch(name: string, extra: string[] = []) {
  const pgName = `vigil_pushdown_${name}_${process.pid}`;
  dropPgDatabase(pgName);
  const pgUrl = createPgDatabase(pgName);
  const ferret = await startFerretDb(['--backend', 'postgresql', '--postgresql-url', pgUrl, ...extra]);
  started.push({ ferret, pgName });
  const client = await MongoClient.connect(ferret.uri);
  const psql = (sql: string) => execFileSync('psql', [pgUrl, '-At', '-c', sql]).toString().trim();
  return { client, psql };
}

const ours = (psql: (sql: string) => string) => psql(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'vigil' AND indexname LIKE '%\\_vgin\\_%' ORDER BY indexdef`).split('\n').filter(Boolean);

async function until(check: () => boolean, seconds: number): Promise<void> {
  for (let waited = 0; !check() && waited < seconds * 10; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
}

afterAll(async () => {
  for (const { ferret, pgName } of started) {
    await ferret.stop();
    dropPgDatabase(pgName);
  }
});

describe('FerretDB launcher: pushdown indexes', () => {
  it('indexes _id and the indexed fields for the equalities FerretDB sends, and PostgreSQL uses them', async () => {
    const { client, psql } = await launch('on');
    try {
      const things = client.db('vigil').collection<{ _id: string; k: string; a: { b: number }; other: string }>('things');
      await things.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: `t-${i}`, k: `k-${i % 300}`, a: { b: i % 50 }, other: `o-${i}` })));
      await things.createIndex({ k: 1, 'a.b': -1 });
      await until(() => ours(psql).length === 3, 30);
      const indexes = ours(psql);
      expect(indexes).toHaveLength(3);
      expect(indexes.every((def) => def.includes('USING gin') && def.includes('jsonb_path_ops'))).toBe(true);
      expect(indexes.some((def) => def.includes("(_jsonb -> '_id'::text)"))).toBe(true);
      expect(indexes.some((def) => def.includes("(_jsonb -> 'k'::text)"))).toBe(true);
      expect(indexes.some((def) => def.includes("(_jsonb #> '{a,b}'::text[])"))).toBe(true);
      // The SQL FerretDB 1.24 sends for { k: 'k-7' } (query.go: `_jsonb->$1 @> $2`, the key bound as text).
      const table = psql(`SELECT _jsonb->>'table' FROM vigil._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'things'`);
      const plan = psql(`PREPARE q(text, jsonb) AS SELECT _jsonb FROM vigil."${table}" WHERE _jsonb->$1 @> $2; EXPLAIN EXECUTE q('k', '"k-7"')`);
      expect(plan).toMatch(/Bitmap Index Scan on \S+_vgin_/);
      expect((await things.find({ k: 'k-7' }).toArray()).map((doc) => doc._id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `t-${7 + 300 * i}`).sort());
      expect(await things.countDocuments({ 'a.b': 3 })).toBe(60);
      expect((await things.findOne({ _id: 't-2999' }))?.other).toBe('o-2999');
    } finally {
      await client.close();
    }
  });

  it('adds none with --pushdown-indexes=false', async () => {
    const { client, psql } = await launch('off', ['--pushdown-indexes=false']);
    try {
      const things = client.db('vigil').collection('things');
      await things.insertOne({ k: 'v' });
      await things.createIndex({ k: 1 });
      await new Promise((resolve) => setTimeout(resolve, 5000));
      expect(ours(psql)).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
