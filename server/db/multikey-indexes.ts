import type { Connection } from 'mongoose';

/**
 * Indexes on array fields. MongoDB makes them multikey (one entry per element) and uses them for `$in`. FerretDB
 * 1.24 on PostgreSQL indexes the whole array as one value: it never uses it for `$in`, and a host with a few
 * hundred packages exceeds PostgreSQL's 8 KB index row (SQLSTATE 54000), failing the write. So they exist only on
 * MongoDB, and are removed where an earlier version created them on FerretDB.
 */
const MULTIKEY_INDEXES: { collection: string; name: string; keys: Record<string, 1> }[] = [
  { collection: 'inventories', name: 'packageKeys_1', keys: { packageKeys: 1 } },
  { collection: 'detection_results', name: 'vulnIds_1', keys: { vulnIds: 1 } },
  // A CVE naming thousands of CPEs would otherwise fail its KB write on FerretDB.
  { collection: 'kb_vulnerabilities', name: 'aliases_1', keys: { aliases: 1 } },
  { collection: 'kb_vulnerabilities', name: 'affectedPackages_1', keys: { affectedPackages: 1 } },
];

export async function isFerretDb(connection: Connection): Promise<boolean> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || 'ferretdbFeatures' in info;
}

export async function ensureMultikeyIndexes(options: { connection: Connection }): Promise<void> {
  const db = options.connection.db!;
  const ferret = await isFerretDb(options.connection);
  for (const index of MULTIKEY_INDEXES) {
    const collection = db.collection(index.collection);
    if (!ferret) {
      await collection.createIndex(index.keys, { name: index.name });
      continue;
    }
    const existing = await collection.indexes().catch(() => []);
    if (existing.some((i) => i.name === index.name)) await collection.dropIndex(index.name);
  }
}
