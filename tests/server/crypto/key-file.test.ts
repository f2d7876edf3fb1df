import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMasterKey, readMasterKey } from '../../../server/crypto/key-file';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'vigil-mk-'));

describe('master key file', () => {
  it('is created with 96 random bytes, mode 0600, and read back identically', () => {
    const file = path.join(tmp(), 'nested', 'master.key');
    const created = createMasterKey(file);
    expect(created).toHaveLength(96);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readMasterKey(file)?.equals(created)).toBe(true);
  });

  it('reads as null only when the file does not exist', () => {
    expect(readMasterKey(path.join(tmp(), 'absent.key'))).toBeNull();
  });

  it('never overwrites an existing key', () => {
    const file = path.join(tmp(), 'master.key');
    const first = createMasterKey(file);
    const before = readFileSync(file, 'utf8');
    expect(createMasterKey(file).equals(first)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('rejects a file that is not a key, with a message naming it', () => {
    const file = path.join(tmp(), 'master.key');
    writeFileSync(file, 'too short');
    expect(() => readMasterKey(file)).toThrow(/master key file .*master.key is not a Vigil master key/);
  });

  it('rejects an unreadable key path (a directory) with the system reason', () => {
    const dir = path.join(tmp(), 'master.key');
    mkdirSync(dir);
    expect(() => readMasterKey(dir)).toThrow(/cannot read master key file .*EISDIR/);
  });
});
