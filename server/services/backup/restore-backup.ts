import { randomBytes } from 'node:crypto';
import { ClientEncryption, MongoClient, type Db, type Document, type IndexDescription } from 'mongodb';
import { KEY_VAULT_COLLECTION, prepareEncryption, type MasterKeySource } from '../../crypto/encryption';
import { readMasterKey } from '../../crypto/key-file';
import { AppError } from '../../errors/app-error';
import type { BackupUnlock } from './backup-format';
import { openBackup, type CollectionSpec } from './backup-stream';

export interface RestoreSummary {
  file: string;
  createdAt: string;
  vigilVersion: string;
  collections: Record<string, number>;
  documents: number;
}

/** insertMany batches stay far below the 48 MB message limit. */
const BATCH_DOCUMENTS = 1000;
const BATCH_BYTES = 8 * 1024 * 1024;

/** Decrypts and checks the whole file (every chunk, the trailer's counts and hash); keeps only the key vault, which is small. */
async function verifyBackup(options: { file: string; unlock: BackupUnlock }) {
  const { header, records } = await openBackup(options);
  const collections: Record<string, number> = {};
  const keyVault: Document[] = [];
  let documents = 0;
  for await (const record of records) {
    if (!('document' in record)) {
      collections[record.collection.name] = 0;
      continue;
    }
    collections[record.collection]! += 1;
    documents += 1;
    if (record.collection === KEY_VAULT_COLLECTION) keyVault.push(record.document);
  }
  return { header, collections, documents, keyVault };
}

async function nonEmptyCollections(db: Db): Promise<string[]> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => !name.startsWith('system.'));
  const found = await Promise.all(names.map(async (name) => ((await db.collection(name).findOne({}, { projection: { _id: 1 } })) ? name : undefined)));
  return found.filter((name): name is string => name !== undefined).sort();
}

/**
 * Proves that the master key at hand opens the backup's data keys before anything is replaced: the key vault
 * goes into a scratch collection, each data key is used once, the scratch collection is dropped.
 */
async function assertMasterKeyOpens(options: { client: MongoClient; uri: string; dbName: string; masterKeySource: MasterKeySource; keyVault: Document[] }): Promise<void> {
  const setup = await prepareEncryption({ uri: options.uri, dbName: options.dbName, masterKeySource: options.masterKeySource, serverSelectionTimeoutMS: 5_000 });
  const scratch = options.client.db(options.dbName).collection(`restore_keycheck_${randomBytes(6).toString('hex')}`);
  await scratch.insertMany(options.keyVault);
  try {
    const clientEncryption = new ClientEncryption(options.client, { ...setup.clientEncryptionOptions, keyVaultNamespace: scratch.namespace });
    for (const key of options.keyVault) {
      await clientEncryption.encrypt('vigil-master-key-check', { algorithm: 'AEAD_AES_256_CBC_HMAC_SHA_512-Random', keyId: key._id });
    }
  } catch (error) {
    throw new AppError(
      'MASTER_KEY_MISMATCH',
      `the master key does not open the backup's data keys (${(error as Error).message.split('\n')[0]}); ` +
        'use the master key the backed-up database was encrypted with; nothing was restored',
      { cause: error },
    );
  } finally {
    await scratch.drop();
  }
}

/** Writes the records of a verified backup: per collection, create it, insert in batches, then its indexes. */
async function writeCollections(options: { db: Db; file: string; unlock: BackupUnlock }): Promise<void> {
  const { records } = await openBackup({ file: options.file, unlock: options.unlock });
  let spec: CollectionSpec | undefined;
  let batch: Document[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (spec && batch.length) await options.db.collection(spec.name).insertMany(batch, { ordered: true });
    batch = [];
    batchBytes = 0;
  };
  const finishCollection = async () => {
    await flush();
    // As listIndexes reported them, less the server-assigned version and namespace; `_id_` comes with the collection.
    const indexes = (spec?.indexes ?? []).filter((index) => index.name !== '_id_').map(({ v: _v, ns: _ns, ...index }) => index as IndexDescription);
    if (spec && indexes.length) await options.db.collection(spec.name).createIndexes(indexes);
  };
  for await (const record of records) {
    if ('document' in record) {
      batch.push(record.document);
      batchBytes += record.bytes;
      if (batch.length >= BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) await flush();
      continue;
    }
    await finishCollection();
    spec = record.collection;
    await options.db.createCollection(spec.name, spec.options);
  }
  await finishCollection();
}

/**
 * Restores a backup made by createBackup. The file is verified completely before the database is opened; a
 * database holding any document is replaced only with `force` (every collection is dropped first); the master
 * key must open the backup's data keys. No transactions exist here, so a failure while writing (after all
 * those checks) leaves a partial database: run the restore again with `force`.
 */
export async function restoreBackup(options: {
  file: string;
  unlock: BackupUnlock;
  force: boolean;
  masterKeySource: MasterKeySource;
  /** Opens the database once the file has proven intact: nothing connects (or creates a master key) before. */
  openDatabase: () => Promise<{ uri: string; dbName: string }>;
}): Promise<RestoreSummary> {
  const verified = await verifyBackup(options);
  const source = options.masterKeySource;
  if (verified.keyVault.length > 0 && source.kind === 'local-file' && !readMasterKey(source.file)) {
    throw new AppError(
      'MASTER_KEY_MISSING',
      `the backup's ${verified.keyVault.length} data key(s) are encrypted with a master key, and the master key file ${source.file} is missing: ` +
        'put the original master key there first; nothing was restored',
    );
  }
  const { uri, dbName } = await options.openDatabase();
  const client = new MongoClient(uri);
  try {
    await client.connect();
    const db = client.db(dbName);
    const occupied = await nonEmptyCollections(db);
    if (occupied.length && !options.force) {
      throw new AppError('CONFLICT', `the database ${dbName} is not empty (${occupied.join(', ')}); restore with --force to replace it; nothing was restored`);
    }
    if (verified.keyVault.length) await assertMasterKeyOpens({ client, uri, dbName, masterKeySource: source, keyVault: verified.keyVault });
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) if (!name.startsWith('system.')) await db.collection(name).drop();
    await writeCollections({ db, file: options.file, unlock: options.unlock });
  } finally {
    await client.close();
  }
  return { file: options.file, createdAt: verified.header.createdAt, vigilVersion: verified.header.vigilVersion, collections: verified.collections, documents: verified.documents };
}
