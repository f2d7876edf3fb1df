import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { spawn } from 'node:child_process';

/** Upstream files larger than this are refused (real NVD year files are ~100 MB uncompressed). */
export const MAX_UPSTREAM_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** Guards against decompression bombs: at most this many bytes come out of one file. */
export const MAX_DECOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024;

type Compression = 'gzip' | 'bzip2' | 'none';

function compressionOf(filePath: string): Compression {
  const fd = openSync(filePath, 'r');
  const magic = Buffer.alloc(3);
  try {
    readSync(fd, magic, 0, 3, 0);
  } finally {
    closeSync(fd);
  }
  if (magic[0] === 0x1f && magic[1] === 0x8b) return 'gzip';
  if (magic.toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

function limitBytes(limit: number, filePath: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new Error(`${filePath}: decompressed content exceeds ${limit} bytes`));
      else callback(null, chunk);
    },
  });
}

/**
 * Opens an upstream file as a byte stream, transparently decompressing gzip and bzip2 (judged
 * by magic bytes, not by name). Errors name the file.
 */
export function openUpstreamFile(filePath: string): Readable {
  const size = statSync(filePath).size;
  if (size > MAX_UPSTREAM_FILE_BYTES) throw new Error(`${filePath}: file is ${size} bytes, larger than the ${MAX_UPSTREAM_FILE_BYTES}-byte limit`);
  const compression = compressionOf(filePath);
  if (compression === 'none') return createReadStream(filePath);
  const limiter = limitBytes(MAX_DECOMPRESSED_BYTES, filePath);
  const fail = (error: Error) => limiter.destroy(new Error(`${filePath}: cannot decompress (${compression}): ${error.message}`));
  if (compression === 'bzip2') {
    // Debian's bzip2 decompresses about ten times faster than any JavaScript implementation.
    const child = spawn('bzip2', ['-dc', filePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
    child.once('error', fail);
    // The output ends only once bzip2 has said the whole file was sound.
    child.once('close', (code, signal) => {
      if (code === 0) limiter.end();
      else if (signal === null) fail(new Error(stderr.trim().split('\n').pop() || `bzip2 exited with ${code}`));
    });
    limiter.once('close', () => child.kill());
    child.stdout.pipe(limiter, { end: false });
    return limiter;
  }
  const raw = createReadStream(filePath);
  const gunzip = createGunzip();
  raw.on('error', fail);
  gunzip.on('error', fail);
  limiter.once('close', () => raw.destroy());
  return raw.pipe(gunzip).pipe(limiter);
}

/** The first `bytes` of the (decompressed) content, as text, for format detection. */
export async function readHead(filePath: string, bytes = 4096): Promise<string> {
  if (compressionOf(filePath) === 'gzip') {
    // Small files: gunzip what is there; a truncated stream still yields its first bytes.
    const fd = openSync(filePath, 'r');
    const buffer = Buffer.alloc(Math.min(statSync(filePath).size, 256 * 1024));
    try {
      readSync(fd, buffer, 0, buffer.length, 0);
    } finally {
      closeSync(fd);
    }
    try {
      return gunzipSync(buffer, { finishFlush: 2 }).subarray(0, bytes).toString('utf8');
    } catch {
      return '';
    }
  }
  const stream = openUpstreamFile(filePath);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) break;
    }
  } catch {
    // A damaged file is reported by its importer; detection just sees what could be read.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes).toString('utf8');
}

/** Reads a whole (decompressed) upstream file as text, for formats too small to stream. */
export async function readUpstreamText(filePath: string, maxBytes = 512 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of openUpstreamFile(filePath) as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw new Error(`${filePath}: larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
