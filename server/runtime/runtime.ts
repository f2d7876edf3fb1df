import mongoose from 'mongoose';
import ConnectionString from 'mongodb-connection-string-url';
import type { VigilConfig } from '../config/env';
import { redactUri } from '../config/env';
import { ensureMultikeyIndexes } from '../db/multikey-indexes';
import { closePlainConnection, openPlainConnection } from '../db/plain-connection';
import { FieldEncryption, prepareEncryption, type MasterKeySource } from '../crypto/encryption';
import { startEmbeddedDb } from '../db/embedded-db';
import { AppError, isAppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import { readPackageVersion } from './project-root';

/**
 * Everything a running Vigil process shares: configuration, logger, the database connection
 * (the default mongoose connection, auto-decrypting; beside it the plain connection of server/db/plain-connection.ts
 * for a few collections that hold nothing encrypted) and the encryption module. Kept on
 * globalThis so the CLI process and the console's route handlers (bundled separately by
 * Next.js but loaded into the same process) use one instance.
 */
export interface Runtime {
  config: VigilConfig;
  log: Logger;
  version: string;
  startedAt: Date;
  db: { uri: string; dbName: string; embedded: boolean };
  encryption: FieldEncryption;
  /** Started the embedded database in this process (so it stops it again on shutdown). */
  startedEmbeddedDb: boolean;
}

const RUNTIME_KEY = Symbol.for('vigil.runtime');
const DEFAULT_DB_NAME = 'vigil';
const SERVER_SELECTION_TIMEOUT_MS = 5_000;

type RuntimeHolder = { [RUNTIME_KEY]?: Promise<Runtime> };
const holder = globalThis as RuntimeHolder;

export function currentRuntime(): Promise<Runtime> | undefined {
  return holder[RUNTIME_KEY];
}

function dbNameOf(uri: string): string {
  const pathname = new ConnectionString(uri).pathname.replace(/^\//, '');
  return pathname || DEFAULT_DB_NAME;
}

function describeConnectError(uri: string, error: unknown): AppError {
  const detail = (error as Error).message?.split('\n')[0] ?? String(error);
  return new AppError('DB_UNREACHABLE', `cannot reach the database at ${redactUri(uri)}: ${detail}`, { cause: error });
}

/** Opens the runtime once per process; later callers get the same one. */
export function openRuntime(options: { config: VigilConfig; log: Logger; onMasterKeyCreated?: (file: string) => void }): Promise<Runtime> {
  holder[RUNTIME_KEY] ??= createRuntime(options).catch((error: unknown) => {
    delete holder[RUNTIME_KEY];
    throw error;
  });
  return holder[RUNTIME_KEY];
}

async function createRuntime(options: { config: VigilConfig; log: Logger; onMasterKeyCreated?: (file: string) => void }): Promise<Runtime> {
  const { config, log } = options;
  let uri = config.mongodbUri;
  let startedEmbeddedDb = false;
  if (!uri) {
    const embedded = await startEmbeddedDb({ dataDir: config.dataDir });
    startedEmbeddedDb = embedded.started;
    uri = `${(embedded.uri ?? '').replace(/\/+$/, '')}/${DEFAULT_DB_NAME}`;
    log.info({ uri, started: embedded.started }, 'using the embedded database');
  }
  const dbName = dbNameOf(uri);
  const masterKeySource: MasterKeySource = config.kmip
    ? { kind: 'kmip', ...config.kmip }
    : { kind: 'local-file', file: config.masterKeyFile };

  let setup;
  try {
    setup = await prepareEncryption({ uri, dbName, masterKeySource, serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS });
  } catch (error) {
    throw isAppError(error) ? error : describeConnectError(uri, error);
  }
  if (setup.createdMasterKeyFile) options.onMasterKeyCreated?.(setup.createdMasterKeyFile);

  try {
    await mongoose.connect(uri, {
      dbName,
      autoEncryption: setup.autoEncryption,
      serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
      autoIndex: true,
    });
  } catch (error) {
    throw describeConnectError(uri, error);
  }
  const encryption = new FieldEncryption(mongoose.connection.getClient(), dbName, setup);
  try {
    await encryption.verifyMasterKey();
    await ensureMultikeyIndexes({ connection: mongoose.connection });
    await openPlainConnection({ uri, dbName, serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS });
  } catch (error) {
    await closePlainConnection();
    await mongoose.disconnect();
    throw error;
  }
  return {
    config,
    log,
    version: readPackageVersion(),
    startedAt: new Date(),
    db: { uri, dbName, embedded: !config.mongodbUri },
    encryption,
    startedEmbeddedDb,
  };
}

export async function closeRuntime(): Promise<void> {
  const pending = holder[RUNTIME_KEY];
  if (!pending) return;
  delete holder[RUNTIME_KEY];
  await pending.then(
    async () => {
      await closePlainConnection();
      await mongoose.disconnect();
    },
    () => undefined,
  );
}
