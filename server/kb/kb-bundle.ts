import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, readSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '../errors/app-error';
import type { KbContribution, KbSourceId } from './kb-types';
import { stableStringify } from './stable-hash';

/**
 * Signed offline KB bundle (air-gapped sites). Layout:
 *   line 1  `VIGIL-KB-BUNDLE 1`
 *   line 2  JSON envelope { manifest, keyId, signature }   (signature: Ed25519 over the
 *           canonical JSON of the manifest, which holds the SHA-256 of the payload)
 *   rest    gzip of NDJSON, one KbContribution per line
 * Contributions (not merged records) travel, so the importing site merges them itself with
 * the same idempotent code as a feed import.
 */
export const BUNDLE_MAGIC = 'VIGIL-KB-BUNDLE 1';
const MAX_HEADER_BYTES = 1024 * 1024;

export interface BundleManifest {
  format: 'vigil-kb-bundle';
  version: 1;
  createdAt: string;
  producer: string;
  /** Only contributions changed after this time (a delta bundle), or null for the whole KB. */
  since: string | null;
  contributions: number;
  sources: Partial<Record<KbSourceId, number>>;
  payloadSha256: string;
  payloadBytes: number;
}

interface Envelope {
  manifest: BundleManifest;
  keyId: string;
  signature: string;
}

export async function writeBundle(options: {
  out: string;
  contributions: AsyncIterable<KbContribution>;
  privateKey: KeyObject;
  keyId: string;
  producer: string;
  since: string | null;
}): Promise<BundleManifest> {
  // The payload goes to a temporary file first: its hash must be in the signed header.
  const payloadFile = `${options.out}.payload.tmp`;
  const counts: Partial<Record<KbSourceId, number>> = {};
  let total = 0;
  const lines = Readable.from(
    (async function* () {
      for await (const c of options.contributions) {
        counts[c.source] = (counts[c.source] ?? 0) + 1;
        total += 1;
        yield `${JSON.stringify(c)}\n`;
      }
    })(),
  );
  await pipeline(lines, createGzip(), createWriteStream(payloadFile, { mode: 0o600 }));
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(payloadFile) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  const manifest: BundleManifest = {
    format: 'vigil-kb-bundle',
    version: 1,
    createdAt: new Date().toISOString(),
    producer: options.producer,
    since: options.since,
    contributions: total,
    sources: counts,
    payloadSha256: hash.digest('hex'),
    payloadBytes: bytes,
  };
  const signature = sign(null, Buffer.from(stableStringify(manifest)), options.privateKey).toString('base64');
  const envelope: Envelope = { manifest, keyId: options.keyId, signature };
  const out = createWriteStream(options.out, { mode: 0o644 });
  out.write(`${BUNDLE_MAGIC}\n${JSON.stringify(envelope)}\n`);
  await pipeline(createReadStream(payloadFile), out);
  rmSync(payloadFile, { force: true });
  return manifest;
}

function readHeader(file: string): { envelope: Envelope; payloadOffset: number } {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(MAX_HEADER_BYTES);
  let length: number;
  try {
    length = readSync(fd, buffer, 0, MAX_HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  const text = buffer.subarray(0, length);
  const first = text.indexOf(0x0a);
  const second = first >= 0 ? text.indexOf(0x0a, first + 1) : -1;
  if (first < 0 || text.subarray(0, first).toString('utf8') !== BUNDLE_MAGIC || second < 0) {
    throw new AppError('BAD_INPUT', `${file} is not a Vigil KB bundle`);
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text.subarray(first + 1, second).toString('utf8')) as Envelope;
  } catch {
    throw new AppError('VERIFICATION_FAILED', `${file}: the bundle header is damaged`);
  }
  if (envelope?.manifest?.format !== 'vigil-kb-bundle' || typeof envelope.signature !== 'string' || typeof envelope.keyId !== 'string') {
    throw new AppError('VERIFICATION_FAILED', `${file}: the bundle header is damaged`);
  }
  return { envelope, payloadOffset: second + 1 };
}

/**
 * Checks the signature against the trusted keys and the payload against the signed hash.
 * Throws BAD_INPUT naming what failed; returns the manifest only for an intact bundle.
 */
export async function verifyBundle(options: { file: string; trusted: Map<string, KeyObject> }): Promise<{ manifest: BundleManifest; keyId: string; payloadOffset: number }> {
  const { envelope, payloadOffset } = readHeader(options.file);
  const key = options.trusted.get(envelope.keyId);
  if (!key) throw new AppError('VERIFICATION_FAILED', `${options.file} is signed by key ${envelope.keyId}, which is not trusted here (vigil kb trust <public key>)`);
  const signatureOk = verify(null, Buffer.from(stableStringify(envelope.manifest)), key, Buffer.from(envelope.signature, 'base64'));
  if (!signatureOk) throw new AppError('VERIFICATION_FAILED', `${options.file}: the signature does not match the manifest (the bundle was altered)`);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(options.file, { start: payloadOffset }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  if (bytes !== envelope.manifest.payloadBytes || hash.digest('hex') !== envelope.manifest.payloadSha256) {
    throw new AppError('VERIFICATION_FAILED', `${options.file}: the content does not match its signed hash (the bundle was altered or truncated)`);
  }
  return { manifest: envelope.manifest, keyId: envelope.keyId, payloadOffset };
}

/** Streams the contributions of a bundle that `verifyBundle` accepted. */
export async function* readBundleContributions(file: string, payloadOffset: number): AsyncIterable<KbContribution> {
  const lines = createInterface({ input: createReadStream(file, { start: payloadOffset }).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as KbContribution;
}

/** The manifest of a bundle without verifying it (to read `createdAt` for a delta export). */
export function readBundleManifest(file: string): BundleManifest {
  return readHeader(file).envelope.manifest;
}
