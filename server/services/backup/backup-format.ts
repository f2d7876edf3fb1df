import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, scrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { AppError } from '../../errors/app-error';

/**
 * The Vigil backup file (README "Backup and restore"):
 *
 *   "VIGILBAK" | u32 BE header length | header JSON | frame… (the last one flagged final)
 *   frame = u8 final flag | u32 BE ciphertext length | ciphertext | 16-byte GCM tag
 *
 * The frames carry AES-256-GCM over the gzip of the EJSON line stream, CHUNK_BYTES of plaintext each. The
 * nonce is the frame's index and final flag, and the AAD the SHA-256 of everything before the first frame, so
 * a reordered, dropped, truncated or re-headed file fails authentication. The content key is unique per file
 * (random salt or ephemeral key), which is what makes counter nonces safe.
 */
export const BACKUP_MAGIC = Buffer.from('VIGILBAK', 'latin1');
export const BACKUP_FORMAT_VERSION = 1;
export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const MAX_HEADER_BYTES = 64 * 1024;
export const MIN_PASSPHRASE_LENGTH = 12;

/** scrypt cost: 128 × N × r = 128 MiB of memory and about a second per derivation, once per backup or restore. */
const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 };
/** A damaged or hostile header must not make restore allocate gigabytes. */
const MAX_SCRYPT_N = 2 ** 20;

export type BackupKeyHeader =
  | { method: 'passphrase-scrypt'; N: number; r: number; p: number; salt: string; check: string }
  | { method: 'x25519-hkdf-sha256'; ephemeralPublicKey: string; recipient: string; salt: string; check: string };

export interface BackupHeader {
  format: 'vigil-backup';
  version: number;
  createdAt: string;
  vigilVersion: string;
  database: string;
  cipher: 'aes-256-gcm';
  chunkBytes: number;
  compression: 'gzip';
  encoding: 'ejson-canonical-lines';
  key: BackupKeyHeader;
}

/** How a backup is locked: a passphrase, or the PEM public key of an X25519 recipient. */
export type BackupProtection = { passphrase: string } | { recipientPublicKeyPem: string };
/** What may open a backup: its header says which of the two it needs. */
export interface BackupUnlock {
  passphrase?: string;
  identityPrivateKeyPem?: string;
}

export function damaged(file: string, detail: string): AppError {
  return new AppError('VERIFICATION_FAILED', `the backup ${file} is damaged or not a Vigil backup (${detail}); nothing was restored`);
}

function scryptAsync(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Splits the per-file secret into the content key and a check value that tells a wrong key from damage. */
function fileKeys(secret: Buffer): { contentKey: Buffer; check: Buffer } {
  const expand = (info: string, length: number) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `vigil-backup/v1 ${info}`, length));
  return { contentKey: expand('content key', 32), check: expand('key check', 16) };
}

function rawX25519(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
}

/** First 16 hex digits of the SHA-256 of the raw public key: names the recipient key in headers and errors. */
export function recipientFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(rawX25519(publicKey)).digest('hex').slice(0, 16);
}

function x25519Secret(options: { shared: Buffer; salt: Buffer; ephemeralPublicKey: KeyObject; recipientPublicKey: KeyObject }): Buffer {
  const info = Buffer.concat([Buffer.from('vigil-backup/v1 x25519'), rawX25519(options.ephemeralPublicKey), rawX25519(options.recipientPublicKey)]);
  return Buffer.from(hkdfSync('sha256', options.shared, options.salt, info, 32));
}

function readX25519Key(options: { pem: string; kind: 'public' | 'private' }): KeyObject {
  let key: KeyObject;
  try {
    key = options.kind === 'public' ? createPublicKey(options.pem) : createPrivateKey(options.pem);
  } catch (error) {
    throw new AppError('BAD_INPUT', `the ${options.kind} key is not a PEM key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'x25519') throw new AppError('BAD_INPUT', `the ${options.kind} key is ${key.asymmetricKeyType ?? 'unknown'}, not an X25519 key (vigil backup keygen)`);
  return key;
}

/** A new X25519 key pair for recipient-encrypted backups, as PEM (PKCS#8 private, SPKI public). */
export function generateBackupKeyPair(): { privateKeyPem: string; publicKeyPem: string; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: recipientFingerprint(publicKey),
  };
}

/** Rejects a short passphrase or a recipient key that is not X25519; callers check before they open the database. */
export function assertUsableProtection(protection: BackupProtection): void {
  if ('passphrase' in protection) {
    if (protection.passphrase.length < MIN_PASSPHRASE_LENGTH) throw new AppError('BAD_INPUT', `the backup passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  } else {
    readX25519Key({ pem: protection.recipientPublicKeyPem, kind: 'public' });
  }
}

/** Derives a fresh content key for a new backup and the header fields that let the holder of the secret derive it again. */
export async function lockBackupKey(protection: BackupProtection): Promise<{ contentKey: Buffer; keyHeader: BackupKeyHeader }> {
  assertUsableProtection(protection);
  const salt = randomBytes(32);
  if ('passphrase' in protection) {
    const { contentKey, check } = fileKeys(await scryptAsync(protection.passphrase, salt, SCRYPT_PARAMS));
    return { contentKey, keyHeader: { method: 'passphrase-scrypt', ...SCRYPT_PARAMS, salt: salt.toString('base64'), check: check.toString('base64') } };
  }
  const recipientPublicKey = readX25519Key({ pem: protection.recipientPublicKeyPem, kind: 'public' });
  const ephemeral = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipientPublicKey });
  const { contentKey, check } = fileKeys(x25519Secret({ shared, salt, ephemeralPublicKey: ephemeral.publicKey, recipientPublicKey }));
  return {
    contentKey,
    keyHeader: {
      method: 'x25519-hkdf-sha256',
      ephemeralPublicKey: rawX25519(ephemeral.publicKey).toString('base64'),
      recipient: recipientFingerprint(recipientPublicKey),
      salt: salt.toString('base64'),
      check: check.toString('base64'),
    },
  };
}

/** Derives the content key of an existing backup; a wrong passphrase or key is one clear error. */
export async function unlockBackupKey(options: { file: string; keyHeader: BackupKeyHeader; unlock: BackupUnlock }): Promise<Buffer> {
  const { file, keyHeader, unlock } = options;
  const salt = Buffer.from(keyHeader.salt, 'base64');
  let secret: Buffer;
  if (keyHeader.method === 'passphrase-scrypt') {
    if (unlock.passphrase === undefined) throw new AppError('BAD_INPUT', `the backup ${file} is encrypted with a passphrase: give --passphrase-file`);
    const { N, r, p } = keyHeader;
    if (!Number.isInteger(N) || N < 2 || N > MAX_SCRYPT_N || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) {
      throw damaged(file, 'unusable scrypt parameters');
    }
    secret = await scryptAsync(unlock.passphrase, salt, { N, r, p });
  } else if (keyHeader.method === 'x25519-hkdf-sha256') {
    if (unlock.identityPrivateKeyPem === undefined) throw new AppError('BAD_INPUT', `the backup ${file} is encrypted for recipient key ${keyHeader.recipient}: give --identity with its private key`);
    const privateKey = readX25519Key({ pem: unlock.identityPrivateKeyPem, kind: 'private' });
    const recipientPublicKey = createPublicKey(privateKey);
    if (recipientFingerprint(recipientPublicKey) !== keyHeader.recipient) {
      throw new AppError('VERIFICATION_FAILED', `the backup ${file} is encrypted for recipient key ${keyHeader.recipient}, not for the given identity (${recipientFingerprint(recipientPublicKey)}); nothing was restored`);
    }
    const ephemeralPublicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(keyHeader.ephemeralPublicKey, 'base64').toString('base64url') }, format: 'jwk' });
    secret = x25519Secret({ shared: diffieHellman({ privateKey, publicKey: ephemeralPublicKey }), salt, ephemeralPublicKey, recipientPublicKey });
  } else {
    throw damaged(file, `unknown key method ${(keyHeader as { method: unknown }).method as string}`);
  }
  const { contentKey, check } = fileKeys(secret);
  const stored = Buffer.from(keyHeader.check, 'base64');
  if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
    const what = keyHeader.method === 'passphrase-scrypt' ? 'wrong passphrase' : 'the identity does not open it';
    throw new AppError('VERIFICATION_FAILED', `cannot decrypt the backup ${file}: ${what}; nothing was restored`);
  }
  return contentKey;
}

export function encodeHeader(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([BACKUP_MAGIC, length, json]);
}

function frameNonce(index: bigint, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(index, 3);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

function sealFrame(options: { contentKey: Buffer; aad: Buffer; index: bigint; final: boolean; plaintext: Buffer }): Buffer {
  const cipher = createCipheriv('aes-256-gcm', options.contentKey, frameNonce(options.index, options.final));
  cipher.setAAD(options.aad);
  const ciphertext = Buffer.concat([cipher.update(options.plaintext), cipher.final()]);
  const prefix = Buffer.alloc(5);
  prefix[0] = options.final ? 1 : 0;
  prefix.writeUInt32BE(ciphertext.length, 1);
  return Buffer.concat([prefix, ciphertext, cipher.getAuthTag()]);
}

/** Stream transform: the header, then the plaintext cut into CHUNK_BYTES frames, the last one flagged final. */
export function encryptFrames(options: { header: Buffer; contentKey: Buffer }) {
  const aad = createHash('sha256').update(options.header).digest();
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    yield options.header;
    let index = 0n;
    let pending = Buffer.alloc(0);
    for await (const chunk of source) {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length > CHUNK_BYTES) {
        yield sealFrame({ contentKey: options.contentKey, aad, index: index++, final: false, plaintext: pending.subarray(0, CHUNK_BYTES) });
        pending = pending.subarray(CHUNK_BYTES);
      }
    }
    yield sealFrame({ contentKey: options.contentKey, aad, index, final: true, plaintext: pending });
  };
}

/** Reads exact byte counts from a chunked stream. */
class ByteReader {
  private buffered = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Exactly `length` bytes, or fewer only at the end of the stream. */
  async read(length: number): Promise<Buffer> {
    while (this.buffered.length < length) {
      const next = await this.iterator.next();
      if (next.done) break;
      this.buffered = Buffer.concat([this.buffered, next.value]);
    }
    const out = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(out.length);
    return out;
  }
}

/** Reads and checks the cleartext header; returns it with its raw bytes (the frames' AAD) and a reader positioned at the first frame. */
export async function readHeader(options: { file: string; source: AsyncIterable<Buffer> }): Promise<{ header: BackupHeader; headerBytes: Buffer; reader: ByteReader }> {
  const reader = new ByteReader(options.source);
  const prefix = await reader.read(BACKUP_MAGIC.length + 4);
  if (prefix.length < BACKUP_MAGIC.length + 4 || !prefix.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) throw damaged(options.file, 'no Vigil backup header');
  const length = prefix.readUInt32BE(BACKUP_MAGIC.length);
  if (length > MAX_HEADER_BYTES) throw damaged(options.file, 'header too large');
  const json = await reader.read(length);
  let header: BackupHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as BackupHeader;
  } catch {
    throw damaged(options.file, 'unreadable header');
  }
  if (header.format !== 'vigil-backup' || header.cipher !== 'aes-256-gcm' || header.compression !== 'gzip' || !header.key) throw damaged(options.file, 'unknown header');
  if (header.version !== BACKUP_FORMAT_VERSION) throw damaged(options.file, `format version ${String(header.version)}; this Vigil reads version ${BACKUP_FORMAT_VERSION}`);
  if (header.chunkBytes !== CHUNK_BYTES) throw damaged(options.file, 'unexpected chunk size');
  return { header, headerBytes: Buffer.concat([prefix, json]), reader };
}

/** Decrypts frame after frame; any failed tag, a missing final frame or bytes after it is damage. */
export async function* decryptFrames(options: { file: string; reader: ByteReader; headerBytes: Buffer; contentKey: Buffer }): AsyncGenerator<Buffer> {
  const aad = createHash('sha256').update(options.headerBytes).digest();
  for (let index = 0n; ; index++) {
    const prefix = await options.reader.read(5);
    if (prefix.length < 5) throw damaged(options.file, `truncated before chunk ${index}`);
    const final = prefix[0] === 1;
    const length = prefix.readUInt32BE(1);
    if (prefix[0]! > 1 || length > CHUNK_BYTES) throw damaged(options.file, `chunk ${index} has a bad frame`);
    const body = await options.reader.read(length + TAG_BYTES);
    if (body.length < length + TAG_BYTES) throw damaged(options.file, `truncated in chunk ${index}`);
    const decipher = createDecipheriv('aes-256-gcm', options.contentKey, frameNonce(index, final));
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(length));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(body.subarray(0, length)), decipher.final()]);
    } catch {
      throw damaged(options.file, `chunk ${index} fails authentication`);
    }
    yield plaintext;
    if (final) {
      if ((await options.reader.read(1)).length > 0) throw damaged(options.file, 'data after the final chunk');
      return;
    }
  }
}
