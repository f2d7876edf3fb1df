import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BSON, type Document } from 'mongodb';
import { AppError, isAppError } from '../../errors/app-error';
import { damaged, decryptFrames, readHeader, unlockBackupKey, type BackupHeader, type BackupUnlock } from './backup-format';

/**
 * The plaintext inside a backup: one canonical-EJSON object per line (canonical keeps every BSON type:
 * Binary subtypes, Int32 vs Int64 vs Double, Dates, ObjectIds). A collection line, then its documents, for
 * each collection; last a trailer with per-collection counts and the SHA-256 of every line before it.
 */
export interface CollectionSpec {
  name: string;
  options: Document;
  indexes: Document[];
}

export type BackupRecord = { collection: CollectionSpec } | { document: Document; collection: string; bytes: number };

export interface BackupTrailer {
  collections: Record<string, number>;
  documents: number;
  sha256: string;
}

/** A document's EJSON line can exceed its 16 MiB BSON size (base64 of binaries); anything far beyond is damage. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Lines are handed to gzip in batches of about this size. */
const WRITE_BATCH_BYTES = 256 * 1024;

const TRAILER_PREFIX = '{"trailer":';
const toLine = (value: unknown) => `${BSON.EJSON.stringify(value, { relaxed: false })}\n`;

/** Encodes collection specs and documents as lines, then the trailer; yields batches of bytes. */
export async function* encodeBackupLines(options: { source: AsyncIterable<{ collection: CollectionSpec } | { document: Document }>; onTrailer: (trailer: BackupTrailer) => void }): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  const trailer: BackupTrailer = { collections: {}, documents: 0, sha256: '' };
  let current: string | undefined;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for await (const record of options.source) {
    const line = Buffer.from(toLine(record));
    hash.update(line);
    if ('collection' in record) {
      current = record.collection.name;
      trailer.collections[current] = 0;
    } else {
      trailer.collections[current!]! += 1;
      trailer.documents += 1;
    }
    batch.push(line);
    batchBytes += line.length;
    if (batchBytes >= WRITE_BATCH_BYTES) {
      yield Buffer.concat(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  trailer.sha256 = hash.digest('hex');
  // Plain JSON: canonical EJSON would wrap the counts as $numberInt.
  batch.push(Buffer.from(`${JSON.stringify({ trailer })}\n`));
  yield Buffer.concat(batch);
  options.onTrailer(trailer);
}

async function* splitLines(options: { file: string; source: AsyncIterable<Buffer> }): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of options.source) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    for (let end = pending.indexOf(10); end !== -1; end = pending.indexOf(10, start)) {
      yield pending.subarray(start, end + 1);
      start = end + 1;
    }
    pending = pending.subarray(start);
    if (pending.length > MAX_LINE_BYTES) throw damaged(options.file, 'a line longer than any document');
  }
  if (pending.length) throw damaged(options.file, 'incomplete last line');
}

/** Reading goes wrong in two ways: our own clear errors, and zlib's or the parser's, which can only mean damage. */
function asDamage(file: string, error: unknown): AppError {
  return isAppError(error) ? error : damaged(file, (error as Error).message);
}

export interface OpenedBackup {
  header: BackupHeader;
  /** Every record, decrypted and authenticated chunk by chunk; throws on damage, and at the end when the trailer does not match. */
  records: AsyncGenerator<BackupRecord>;
}

/** Opens a backup: checks the header and the key (wrong passphrase or identity fails here), then streams its records. */
export async function openBackup(options: { file: string; unlock: BackupUnlock }): Promise<OpenedBackup> {
  const { file } = options;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new AppError('BAD_INPUT', `cannot read the backup ${file}: ${(error as Error).message}`);
  }
  const input = handle.createReadStream();
  try {
    const { header, headerBytes, reader } = await readHeader({ file, source: input });
    const contentKey = await unlockBackupKey({ file, keyHeader: header.key, unlock: options.unlock });
    const plaintext = pipeline(Readable.from(decryptFrames({ file, reader, headerBytes, contentKey })), createGunzip(), () => undefined);
    return { header, records: readRecords({ file, lines: splitLines({ file, source: plaintext }), close: () => input.destroy() }) };
  } catch (error) {
    input.destroy();
    throw asDamage(file, error);
  }
}

async function* readRecords(options: { file: string; lines: AsyncIterable<Buffer>; close: () => void }): AsyncGenerator<BackupRecord> {
  const { file } = options;
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  let documents = 0;
  let current: string | undefined;
  let trailer: BackupTrailer | undefined;
  try {
    for await (const line of options.lines) {
      if (trailer) throw damaged(file, 'lines after the trailer');
      const text = line.toString('utf8');
      if (text.startsWith(TRAILER_PREFIX)) {
        trailer = (JSON.parse(text) as { trailer: BackupTrailer }).trailer;
        continue;
      }
      const parsed = BSON.EJSON.parse(text, { relaxed: false }) as { collection?: CollectionSpec; document?: Document };
      hash.update(line);
      if (parsed.collection) {
        current = parsed.collection.name;
        if (typeof current !== 'string' || current in counts) throw damaged(file, 'a bad or repeated collection');
        counts[current] = 0;
        yield { collection: parsed.collection };
      } else if (parsed.document && current !== undefined) {
        counts[current]! += 1;
        documents += 1;
        yield { document: parsed.document, collection: current, bytes: line.length };
      } else {
        throw damaged(file, 'an unexpected line');
      }
    }
  } catch (error) {
    throw asDamage(file, error);
  } finally {
    options.close();
  }
  if (!trailer) throw damaged(file, 'no trailer: the file is incomplete');
  if (trailer.sha256 !== hash.digest('hex')) throw damaged(file, 'the content hash does not match the trailer');
  if (trailer.documents !== documents || JSON.stringify(trailer.collections) !== JSON.stringify(counts)) throw damaged(file, 'the document counts do not match the trailer');
}
