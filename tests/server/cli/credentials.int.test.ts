import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();
const dataDir = tempDataDir();
const env = cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: dataDir });

afterAll(async () => {
  await dropDatabase(uri);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil credentials', () => {
  it('adds a credential from stdin, creating and announcing the master key once', async () => {
    const result = await runVigil(['credentials', 'add', '--name', 'lab', '--type', 'ssh-password', '--username', 'root'], { env, input: 'S3cr3t-marker' });
    expect(result.stderr).toMatch(/created the master key .*master\.key .*BACK IT UP/);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('added credential "lab" (ssh-password, user root)\n');
    expect(statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);

    const second = await runVigil(['credentials', 'add', '--name', 'lab2', '--type', 'ssh-password', '--username', 'admin', '--sudo'], { env, input: 'other\n' });
    expect(second).toMatchObject({ code: 0, stderr: '' });
  });

  it('leaves no trace of the secret in the raw database, only BinData subtype 6', async () => {
    const dump = await rawDump(uri);
    expect(dumpContains(dump, 'S3cr3t-marker')).toBe(false);
    const lab = dump.credentials!.find((doc) => doc.name === 'lab')!;
    expect((lab.secret as { _bsontype: string; sub_type: number })._bsontype).toBe('Binary');
    expect((lab.secret as { sub_type: number }).sub_type).toBe(6);
  });

  it('lists credentials as JSON without secret material', async () => {
    const result = await runVigil(['credentials', 'list', '--json'], { env });
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { name: string; sudo: boolean }[];
    expect(listed.map((c) => c.name)).toEqual(['lab', 'lab2']);
    expect(listed[1]!.sudo).toBe(true);
    expect(result.stdout).not.toMatch(/S3cr3t|secret/i);
  });

  it('rotates and deletes by name', async () => {
    expect((await runVigil(['credentials', 'rotate', 'lab2'], { env, input: 'new-one' })).stdout).toBe('rotated credential "lab2"\n');
    expect((await runVigil(['credentials', 'delete', 'lab2'], { env })).code).toBe(0);
    const missing = await runVigil(['credentials', 'delete', 'lab2'], { env });
    expect(missing).toMatchObject({ code: 1, stderr: 'vigil: credential "lab2" not found\n' });
  });

  it('rejects bad input with one clear line and stores nothing', async () => {
    const empty = await runVigil(['credentials', 'add', '--name', 'x', '--type', 'ssh-password', '--username', 'root'], { env, input: '' });
    expect(empty).toMatchObject({ code: 2, stderr: 'vigil: password: an ssh-password credential needs a password\n' });
    const badType = await runVigil(['credentials', 'add', '--name', 'x', '--type', 'telnet', '--username', 'root'], { env, input: 'p' });
    expect(badType.code).toBe(2);
    expect(badType.stderr.trim().split('\n')).toHaveLength(1);
    const badKey = await runVigil(['credentials', 'add', '--name', 'x', '--type', 'ssh-key', '--username', 'root'], { env, input: 'not a key' });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/^vigil: the private key could not be read/);
    const huge = await runVigil(['credentials', 'add', '--name', 'x', '--type', 'ssh-key', '--username', 'root'], { env, input: 'k'.repeat(70_000) });
    expect(huge).toMatchObject({ code: 2, stderr: 'vigil: the private key on stdin is larger than 65536 bytes\n' });
    const listed = JSON.parse((await runVigil(['credentials', 'list', '--json'], { env })).stdout) as unknown[];
    expect(listed).toHaveLength(1);
  });
});

describe('start-up errors: one line, non-zero exit, data untouched', () => {
  it('a malformed MONGODB_URI', async () => {
    const result = await runVigil(['credentials', 'list'], { env: cleanEnv({ MONGODB_URI: 'mongo://nowhere', VIGIL_DATA_DIR: dataDir }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vigil: MONGODB_URI: is not a valid MongoDB connection string (expected mongodb://host[:port]/database)\n');
  });

  it('an unreachable database', async () => {
    const result = await runVigil(['credentials', 'list'], { env: cleanEnv({ MONGODB_URI: 'mongodb://127.0.0.1:1/vigil', VIGIL_DATA_DIR: dataDir }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vigil: cannot reach the database at mongodb:\/\/127\.0\.0\.1:1\/vigil: .*ECONNREFUSED.*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('an unreadable key file', async () => {
    const keyDir = path.join(dataDir, 'key-is-a-directory');
    mkdirSync(keyDir);
    const result = await runVigil(['credentials', 'list'], { env: cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: dataDir, VIGIL_MASTER_KEY_FILE: keyDir }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vigil: cannot read master key file .*key-is-a-directory: EISDIR.*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('a removed master key: refuses to start, never creates a new key over the data', async () => {
    const keyFile = path.join(dataDir, 'master.key');
    const before = JSON.stringify(await rawDump(uri));
    renameSync(keyFile, `${keyFile}.bak`);
    const result = await runVigil(['credentials', 'list'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vigil: master key file .*master\.key is missing but the database holds 1 encrypted data key\(s\); restore the key file from your backup/);
    expect(() => statSync(keyFile)).toThrow();
    expect(JSON.stringify(await rawDump(uri))).toBe(before);
    renameSync(`${keyFile}.bak`, keyFile);
    expect((await runVigil(['credentials', 'list'], { env })).code).toBe(0);
  });
});
