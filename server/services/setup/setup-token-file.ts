import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where the appliance banner (and `vigil admin setup-token`) read the token: only the data directory's owner can. */
export function setupTokenFile(dataDir: string): string {
  return path.resolve(dataDir, 'setup-token');
}

/** The token in the file, or null when there is none. */
export function readSetupTokenFile(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return text.trim() || null;
}

/** Written aside (mode 0600) and renamed into place, so a reader never sees half a token. */
export function writeSetupTokenFile(file: string, token: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${randomBytes(6).toString('hex')}.partial`;
  writeFileSync(partial, `${token}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(partial, file);
}

export function removeSetupTokenFile(file: string): void {
  rmSync(file, { force: true });
}
