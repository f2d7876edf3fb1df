import mongoose, { type Connection } from 'mongoose';
import type { Collection, Db, Document } from 'mongodb';

/**
 * A second connection to the database without the driver's automatic decryption, for the collections the findings
 * list reads on every request and that never hold an encrypted value (README "Findings list at a million findings").
 * With automatic decryption the driver hands every reply to libmongocrypt to look for ciphertext before decoding it;
 * for the list's five queries a page that was a fifth of the console's CPU (32 clients reading fresh pages: 118–132
 * → 134–164 pages a second without it). Through this connection an encrypted field would read as its ciphertext,
 * never as the secret, and only the collections named here use it; writes are the same on both, as Vigil encrypts
 * explicitly (server/crypto/encryption.ts). Opened and closed with the runtime; kept on globalThis as the runtime is.
 */
export const PLAIN_COLLECTIONS = ['finding_list_rows', 'finding_list_cell_packs', 'finding_list_heads'] as const;
export type PlainCollectionName = (typeof PLAIN_COLLECTIONS)[number];

const PLAIN_KEY = Symbol.for('vigil.plain-connection');
const holder = globalThis as { [PLAIN_KEY]?: Connection };

export async function openPlainConnection(options: { uri: string; dbName: string; serverSelectionTimeoutMS: number }): Promise<void> {
  holder[PLAIN_KEY] = await mongoose.createConnection(options.uri, { dbName: options.dbName, serverSelectionTimeoutMS: options.serverSelectionTimeoutMS, autoIndex: false, autoCreate: false }).asPromise();
}

export async function closePlainConnection(): Promise<void> {
  const connection = holder[PLAIN_KEY];
  delete holder[PLAIN_KEY];
  await connection?.close();
}

function plainConnection(): Connection {
  const connection = holder[PLAIN_KEY];
  if (!connection) throw new Error('the runtime is not open: no plain connection');
  return connection;
}

/** One of the named collections through the plain connection (mongoose's collection, so its debug hook sees it). */
export const plainCollection = <T extends Document>(name: PlainCollectionName) => plainConnection().collection(name) as unknown as Collection<T>;

/** The plain connection's database, for the benchmark's replay of the same queries through the raw driver. */
export const plainDb = (): Db => plainConnection().db!;
