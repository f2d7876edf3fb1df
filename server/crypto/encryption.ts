import { Binary, ClientEncryption, MongoClient, type AutoEncryptionOptions, type ClientEncryptionOptions, type Collection, type Document } from 'mongodb';
import { AppError } from '../errors/app-error';
import { createMasterKey, readMasterKey } from './key-file';

/**
 * The one module that encrypts secrets (SPEC §3 "Field-level encryption"). Writes use explicit
 * encryption; reads are decrypted automatically by the driver (`autoEncryption` with
 * `bypassAutoEncryption`). Each purpose has its own data key, found by alt name.
 */
export type EncryptionPurpose = 'credentials' | 'totp' | 'oidc' | 'api-tokens' | 'evidence' | 'sensitive';

export const KEY_VAULT_COLLECTION = 'keyvault';

const DETERMINISTIC = 'AEAD_AES_256_CBC_HMAC_SHA_512-Deterministic';
const RANDOM = 'AEAD_AES_256_CBC_HMAC_SHA_512-Random';

/** Where the master key comes from: a local key file (default) or a KMIP server (HSM) in production. */
export type MasterKeySource =
  | { kind: 'local-file'; file: string }
  | { kind: 'kmip'; endpoint: string; caFile?: string; certificateKeyFile?: string; keyId?: string };

export interface EncryptionSetup {
  autoEncryption: AutoEncryptionOptions;
  clientEncryptionOptions: ClientEncryptionOptions;
  masterKeySource: MasterKeySource;
  /** Set when this start created the master key file: print it once, it must be backed up. */
  createdMasterKeyFile?: string;
}

function dataKeyAltName(purpose: EncryptionPurpose): string {
  return `vigil-${purpose}`;
}

/**
 * Resolves the KMS provider before the main connection opens (auto-decryption needs it at
 * connect time). A missing local key file is created only when the database holds no data
 * keys yet; over existing encrypted data it refuses, because a new key could never decrypt it.
 */
export async function prepareEncryption(options: {
  uri: string;
  dbName: string;
  masterKeySource: MasterKeySource;
  serverSelectionTimeoutMS: number;
}): Promise<EncryptionSetup> {
  const keyVaultNamespace = `${options.dbName}.${KEY_VAULT_COLLECTION}`;
  const source = options.masterKeySource;
  if (source.kind === 'kmip') {
    const tlsOptions = {
      kmip: {
        ...(source.caFile ? { tlsCAFile: source.caFile } : {}),
        ...(source.certificateKeyFile ? { tlsCertificateKeyFile: source.certificateKeyFile } : {}),
      },
    };
    const kmsProviders = { kmip: { endpoint: source.endpoint } };
    return {
      autoEncryption: { keyVaultNamespace, kmsProviders, tlsOptions, bypassAutoEncryption: true },
      clientEncryptionOptions: { keyVaultNamespace, kmsProviders, tlsOptions },
      masterKeySource: source,
    };
  }

  let key = readMasterKey(source.file);
  let createdMasterKeyFile: string | undefined;
  if (!key) {
    const existingKeys = await countDataKeysWithPlainClient(options);
    if (existingKeys > 0) {
      throw new AppError(
        'MASTER_KEY_MISSING',
        `master key file ${source.file} is missing but the database holds ${existingKeys} encrypted data key(s); ` +
          'restore the key file from your backup (refusing to create a new key over existing data)',
      );
    }
    key = createMasterKey(source.file);
    createdMasterKeyFile = source.file;
  }
  const kmsProviders = { local: { key } };
  return {
    autoEncryption: { keyVaultNamespace, kmsProviders, bypassAutoEncryption: true },
    clientEncryptionOptions: { keyVaultNamespace, kmsProviders },
    masterKeySource: source,
    ...(createdMasterKeyFile ? { createdMasterKeyFile } : {}),
  };
}

async function countDataKeysWithPlainClient(options: { uri: string; dbName: string; serverSelectionTimeoutMS: number }): Promise<number> {
  const client = new MongoClient(options.uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS });
  try {
    await client.connect();
    return await client.db(options.dbName).collection(KEY_VAULT_COLLECTION).countDocuments({});
  } finally {
    await client.close();
  }
}

export class FieldEncryption {
  private readonly keyIds = new Map<EncryptionPurpose, Binary>();
  private readonly clientEncryption: ClientEncryption;
  private readonly keyVault: Collection<Document>;
  private readonly kmsProvider: 'local' | 'kmip';

  constructor(client: MongoClient, dbName: string, setup: EncryptionSetup) {
    this.clientEncryption = new ClientEncryption(client, setup.clientEncryptionOptions);
    this.keyVault = client.db(dbName).collection(KEY_VAULT_COLLECTION);
    this.kmsProvider = setup.masterKeySource.kind === 'kmip' ? 'kmip' : 'local';
  }

  /**
   * Proves the master key opens the data keys already stored. Throws MASTER_KEY_MISMATCH when
   * it does not, before anything is written with a different key.
   */
  async verifyMasterKey(): Promise<{ dataKeys: number }> {
    const dataKeys = await this.keyVault.countDocuments({});
    const anyKey = await this.keyVault.findOne({}, { projection: { _id: 1 } });
    if (!anyKey) return { dataKeys };
    try {
      await this.clientEncryption.encrypt('vigil-master-key-check', { algorithm: DETERMINISTIC, keyId: anyKey._id as unknown as Binary });
    } catch (error) {
      throw new AppError(
        'MASTER_KEY_MISMATCH',
        `the master key does not open this database's data keys (${(error as Error).message.split('\n')[0]}); ` +
          'use the key file this database was created with',
        { cause: error },
      );
    }
    return { dataKeys };
  }

  /**
   * Encrypts one value. `deterministic` gives the same ciphertext for the same input, so the
   * field can be matched by equality; use it only where a lookup needs it.
   */
  async encrypt(value: string | number | boolean | Document, options: { purpose: EncryptionPurpose; deterministic?: boolean }): Promise<Binary> {
    const keyId = await this.dataKeyId(options.purpose);
    return this.clientEncryption.encrypt(value, { algorithm: options.deterministic ? DETERMINISTIC : RANDOM, keyId });
  }

  /** For ciphertext read through a path without auto-decryption (backups, raw exports). */
  async decrypt<T = unknown>(value: Binary): Promise<T> {
    return this.clientEncryption.decrypt(value) as Promise<T>;
  }

  async countDataKeys(): Promise<number> {
    return this.keyVault.countDocuments({});
  }

  /**
   * The data key of a purpose, created on first use. Concurrent creators may each insert one;
   * everyone then uses the oldest, so deterministic ciphertexts still agree (the key id travels
   * inside each ciphertext, so data written with any of them stays readable).
   */
  private async dataKeyId(purpose: EncryptionPurpose): Promise<Binary> {
    const cached = this.keyIds.get(purpose);
    if (cached) return cached;
    const altName = dataKeyAltName(purpose);
    const findOldest = () => this.keyVault.find({ keyAltNames: altName }).sort({ creationDate: 1, _id: 1 }).limit(1).next();
    let key = await findOldest();
    if (!key) {
      await this.clientEncryption.createDataKey(this.kmsProvider, { keyAltNames: [altName] });
      key = await findOldest();
    }
    if (!key) throw new AppError('INTERNAL', `data key ${altName} could not be created`);
    const id = key._id as unknown as Binary;
    this.keyIds.set(purpose, id);
    return id;
  }
}
