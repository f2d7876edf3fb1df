import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors/app-error';

/** libmongocrypt's local KMS provider takes a 96-byte master key. */
const MASTER_KEY_BYTES = 96;

/**
 * Reads the master key file (base64 of 96 random bytes). Returns null only when the file does
 * not exist; any other problem is an error, so a damaged key is never replaced silently.
 */
export function readMasterKey(file: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('MASTER_KEY_INVALID', `cannot read master key file ${file}: ${(error as Error).message}`);
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES || !/^[A-Za-z0-9+/=\s]+$/.test(text)) {
    throw new AppError('MASTER_KEY_INVALID', `master key file ${file} is not a Vigil master key (expected ${MASTER_KEY_BYTES} bytes, base64)`);
  }
  return key;
}

/** Creates a new master key file, mode 0600; fails rather than overwrite an existing file. */
export function createMasterKey(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      // Another process created it between our read and this create: use theirs.
      const existing = readMasterKey(file);
      if (existing) return existing;
    }
    throw new AppError('MASTER_KEY_INVALID', `cannot create master key file ${file}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}
