import { open, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { MongoClient, type Db, type Document } from 'mongodb';
import { KEY_VAULT_COLLECTION } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { BACKUP_FORMAT_VERSION, CHUNK_BYTES, encodeHeader, encryptFrames, lockBackupKey, type BackupProtection } from './backup-format';
import { encodeBackupLines, type BackupTrailer, type CollectionSpec } from './backup-stream';

export interface BackupSummary {
  file: string;
  bytes: number;
  createdAt: string;
  collections: Record<string, number>;
  documents: number;
}

/**
 * Every collection except the key vault, in name order, and the key vault last: a data key is stored before
 * anything is encrypted with it, so every ciphertext in the backup finds its data key in the backup.
 */
async function collectionsToDump(db: Db): Promise<{ name: string; options: Document }[]> {
  const listed = await db.listCollections({}, { nameOnly: false }).toArray();
  const collections = listed
    .filter((c) => c.type !== 'view' && !c.name.startsWith('system.'))
    .map((c) => ({ name: c.name, options: ('options' in c ? c.options : undefined) ?? {} }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...collections.filter((c) => c.name !== KEY_VAULT_COLLECTION), ...collections.filter((c) => c.name === KEY_VAULT_COLLECTION)];
}

/** Documents as stored: this client has no auto-decryption, so encrypted fields stay BinData subtype 6. */
async function* dumpCollections(db: Db): AsyncGenerator<{ collection: CollectionSpec } | { document: Document }> {
  for (const { name, options } of await collectionsToDump(db)) {
    const collection = db.collection(name);
    yield { collection: { name, options, indexes: await collection.listIndexes().toArray() } };
    for await (const document of collection.find({}).sort({ _id: 1 })) yield { document };
  }
}

/**
 * Writes an encrypted backup of every collection of the database (key vault included, master key never:
 * it is not in the database) to `out`, which must not exist yet. A failed backup leaves no file behind.
 */
export async function createBackup(options: { uri: string; dbName: string; out: string; protection: BackupProtection; vigilVersion: string }): Promise<BackupSummary> {
  const { contentKey, keyHeader } = await lockBackupKey(options.protection);
  const createdAt = new Date().toISOString();
  const header = encodeHeader({
    format: 'vigil-backup',
    version: BACKUP_FORMAT_VERSION,
    createdAt,
    vigilVersion: options.vigilVersion,
    database: options.dbName,
    cipher: 'aes-256-gcm',
    chunkBytes: CHUNK_BYTES,
    compression: 'gzip',
    encoding: 'ejson-canonical-lines',
    key: keyHeader,
  });

  let handle;
  try {
    handle = await open(options.out, 'wx', 0o600);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it exists already (a backup never overwrites a file)' : (error as Error).message;
    throw new AppError('BAD_INPUT', `cannot write the backup to ${options.out}: ${reason}`);
  }
  const client = new MongoClient(options.uri);
  let trailer: BackupTrailer | undefined;
  try {
    await client.connect();
    const lines = encodeBackupLines({ source: dumpCollections(client.db(options.dbName)), onTrailer: (t) => (trailer = t) });
    await pipeline(Readable.from(lines), createGzip(), encryptFrames({ header, contentKey }), handle.createWriteStream());
  } catch (error) {
    await rm(options.out, { force: true });
    throw error;
  } finally {
    await client.close();
    await handle.close().catch(() => undefined);
  }
  return { file: options.out, bytes: (await stat(options.out)).size, createdAt, collections: trailer!.collections, documents: trailer!.documents };
}
