import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BSON, MongoClient, type Binary, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../server/services/audit/record-audit';
import { openBackup } from '../../../server/services/backup/backup-stream';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { fixture } from '../../helpers/fixtures';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();
const dataDir = tempDataDir();
const env = cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: dataDir });
const masterKeyFile = path.join(dataDir, 'master.key');
const passphraseFile = path.join(dataDir, 'backup.passphrase');
const backupFile = path.join(dataDir, 'vigil.backup');
const MARKER = 'S3cr3t-backup-marker';
const PASSPHRASE = 'correct horse battery staple';

type Dump = Record<string, Record<string, unknown>[]>;

/** Every collection's documents as canonical EJSON (every BSON type kept), in _id order. */
function canonical(dump: Dump): Record<string, string[]> {
  return Object.fromEntries(Object.keys(dump).sort().map((name) => [name, dump[name]!.map((doc) => BSON.EJSON.stringify(doc, { relaxed: false })).sort()]));
}

async function indexesOf(): Promise<Record<string, Document[]>> {
  const client = new MongoClient(uri);
  try {
    await client.connect();
    const db = client.db();
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, (await db.collection(name).listIndexes().toArray()).map(({ name: n, key, unique }) => ({ name: n, key, unique })).sort((a, b) => String(a.name).localeCompare(String(b.name)))])));
  } finally {
    await client.close();
  }
}

function documentCount(dump: Dump): number {
  return Object.values(dump).reduce((sum, docs) => sum + docs.length, 0);
}

function containsBytes(value: unknown, needle: Buffer): boolean {
  if (typeof value === 'string') return Buffer.from(value).includes(needle);
  if (value && typeof value === 'object') {
    if ('buffer' in value && (value as { buffer: unknown }).buffer instanceof Uint8Array) return Buffer.from((value as { buffer: Uint8Array }).buffer).includes(needle);
    return Object.values(value).some((v) => containsBytes(v, needle));
  }
  return false;
}

let original: Dump;
let originalIndexes: Record<string, Document[]>;

beforeAll(async () => {
  writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const admin = await runVigil(['admin', 'create', '--email', 'root@vigil.test', '--role', 'admin'], { env, input: 'Tall-Lighthouse-Orbit-47\n', timeoutMs: 90_000 });
  expect(admin.code, admin.stderr).toBe(0);
  const credential = await runVigil(['credentials', 'add', '--name', 'lab', '--type', 'ssh-password', '--username', 'root'], { env, input: MARKER });
  expect(credential.code, credential.stderr).toBe(0);
  const kb = await runVigil(['kb', 'import', fixture('alpine', 'v3.17', 'main.json'), fixture('epss', 'epss_scores-2025-08-25.subset.csv')], { env, timeoutMs: 240_000 });
  expect(kb.code, kb.stderr).toBe(0);
  // A longer audit chain than the CLI's own entries, appended the way the console does.
  await openTestRuntime({ uri, masterKeyFile });
  for (const action of ['auth.login', 'credential.rotate', 'auth.logout']) {
    await recordAudit({ actor: { type: 'user', id: 'u1', email: 'root@vigil.test' }, action, ip: '127.0.0.1', outcome: 'success' });
  }
  await closeRuntime();
  expect((await runVigil(['audit', 'verify'], { env })).code).toBe(0);
}, 400_000);

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil backup → wipe → vigil restore', () => {
  it('writes an encrypted backup (0600) holding ciphertext only and never the master key', async () => {
    const result = await runVigil(['backup', '--out', backupFile, '--passphrase-file', passphraseFile], { env, timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^backup written: .*vigil\.backup \(\d+ documents in \d+ collections, \d+ bytes\)\n$/);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);

    original = await rawDump(uri);
    originalIndexes = await indexesOf();
    expect(original.keyvault!.length).toBeGreaterThan(0);
    expect(original.kb_vulnerabilities!.length).toBeGreaterThan(100);
    expect(original.audit_log!.length).toBeGreaterThanOrEqual(4);

    const file = readFileSync(backupFile);
    expect(file.subarray(0, 8).toString()).toBe('VIGILBAK');
    expect(file.includes(MARKER)).toBe(false);
    expect(file.includes('root@vigil.test')).toBe(false);

    // Inside the encryption: every collection, the credential's secret as BinData 6, no marker, no master key.
    const { header, records } = await openBackup({ file: backupFile, unlock: { passphrase: PASSPHRASE } });
    expect(header).toMatchObject({ format: 'vigil-backup', version: 1, key: { method: 'passphrase-scrypt', N: 131072, r: 8, p: 1 } });
    const masterKey = Buffer.from(readFileSync(masterKeyFile, 'utf8').trim(), 'base64');
    const collections: string[] = [];
    const documents: Document[] = [];
    for await (const record of records) {
      if ('document' in record) documents.push(record.document);
      else collections.push(record.collection.name);
    }
    expect(collections.at(-1)).toBe('keyvault');
    expect(collections.slice().sort()).toEqual(Object.keys(original).sort());
    expect(documents).toHaveLength(documentCount(original));
    const lab = documents.find((doc) => doc.name === 'lab' && doc.secret)!;
    expect((lab.secret as Binary).sub_type).toBe(6);
    expect(dumpContains({ all: documents }, MARKER)).toBe(false);
    expect(containsBytes(documents, masterKey)).toBe(false);
    expect(containsBytes(documents, Buffer.from(masterKey.toString('base64')))).toBe(false);
  });

  it('refuses a wrong passphrase, a flipped byte and a truncated file, writing nothing', async () => {
    await dropDatabase(uri);
    expect(await rawDump(uri)).toEqual({});

    const wrongFile = path.join(dataDir, 'wrong.passphrase');
    writeFileSync(wrongFile, 'not the right passphrase\n');
    const wrong = await runVigil(['restore', backupFile, '--passphrase-file', wrongFile], { env });
    expect(wrong).toMatchObject({ code: 1, stdout: '', stderr: `vigil: cannot decrypt the backup ${backupFile}: wrong passphrase; nothing was restored\n` });

    const flipped = path.join(dataDir, 'flipped.backup');
    copyFileSync(backupFile, flipped);
    const bytes = readFileSync(flipped);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(flipped, bytes);
    const damaged = await runVigil(['restore', flipped, '--passphrase-file', passphraseFile], { env });
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/^vigil: the backup .*flipped\.backup is damaged or not a Vigil backup \(chunk \d+ fails authentication\); nothing was restored\n$/);

    const truncated = path.join(dataDir, 'truncated.backup');
    copyFileSync(backupFile, truncated);
    truncateSync(truncated, bytes.length - 100);
    const short = await runVigil(['restore', truncated, '--passphrase-file', passphraseFile], { env });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/^vigil: the backup .* is damaged or not a Vigil backup \(truncated .*\); nothing was restored\n$/);

    const none = await runVigil(['restore', backupFile], { env });
    expect(none).toMatchObject({ code: 2, stderr: `vigil: the backup ${backupFile} is encrypted with a passphrase: give --passphrase-file\n` });

    expect(await rawDump(uri)).toEqual({});
  });

  it('restores every document, index and data key; secrets decrypt with the original master key; the audit chain holds', async () => {
    const result = await runVigil(['restore', backupFile, '--passphrase-file', passphraseFile], { env, timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^restored ${documentCount(original)} documents in \\d+ collections from .*vigil\\.backup \\(backup of \\S+, Vigil 0\\.1\\.0\\)\\n$`));

    expect(canonical(await rawDump(uri))).toEqual(canonical(original));
    expect(await indexesOf()).toEqual(originalIndexes);

    const listed = await runVigil(['credentials', 'list', '--json'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((c) => c.name)).toEqual(['lab']);
    expect(await runVigil(['audit', 'verify'], { env })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit log intact: \d+ entries\n$/) as unknown });

    // The scanner path's read: the driver decrypts the stored ciphertext with the original master key file.
    const runtime = await openTestRuntime({ uri, masterKeyFile });
    const stored = (await rawDump(uri)).credentials!.find((doc) => doc.name === 'lab')!;
    expect(JSON.stringify(await runtime.encryption.decrypt(stored.secret as Binary))).toContain(MARKER);
    await closeRuntime();
  });

  it('refuses to restore over data without --force, and replaces it with --force', async () => {
    const before = canonical(await rawDump(uri));
    const refused = await runVigil(['restore', backupFile, '--passphrase-file', passphraseFile], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^vigil: the database t_[0-9a-f]+ is not empty \(.*credentials.*\); restore with --force to replace it; nothing was restored\n$/);
    expect(canonical(await rawDump(uri))).toEqual(before);

    const forced = await runVigil(['restore', backupFile, '--passphrase-file', passphraseFile, '--force'], { env, timeoutMs: 120_000 });
    expect(forced.code, forced.stderr).toBe(0);
    expect(canonical(await rawDump(uri))).toEqual(canonical(original));
  });

  it('refuses a master key that does not open the backup, and a missing one, writing nothing', async () => {
    await dropDatabase(uri);
    const otherKey = path.join(dataDir, 'other.key');
    writeFileSync(otherKey, `${randomBytes(96).toString('base64')}\n`, { mode: 0o600 });
    const other = await runVigil(['restore', backupFile, '--passphrase-file', passphraseFile], { env: { ...env, VIGIL_MASTER_KEY_FILE: otherKey } });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/the master key does not open the backup's data keys .*; use the master key the backed-up database was encrypted with; nothing was restored\n$/);
    expect(documentCount(await rawDump(uri))).toBe(0);

    await dropDatabase(uri);
    const missing = await runVigil(['restore', backupFile, '--passphrase-file', passphraseFile], { env: { ...env, VIGIL_MASTER_KEY_FILE: path.join(dataDir, 'absent.key') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^vigil: the backup's \d+ data key\(s\) are encrypted with a master key, and the master key file .*absent\.key is missing: put the original master key there first; nothing was restored\n$/);
    expect(() => statSync(path.join(dataDir, 'absent.key'))).toThrow();
    expect(await rawDump(uri)).toEqual({});
  });

  it('encrypts for a recipient key pair (vigil backup keygen) and restores with its private key', async () => {
    const privateKey = path.join(dataDir, 'backup-identity.pem');
    const publicKey = path.join(dataDir, 'backup-recipient.pem');
    const keygen = await runVigil(['backup', 'keygen', '--out-private', privateKey, '--out-public', publicKey], { env });
    expect(keygen.code, keygen.stderr).toBe(0);
    expect(statSync(privateKey).mode & 0o777).toBe(0o600);

    await runVigil(['restore', backupFile, '--passphrase-file', passphraseFile], { env, timeoutMs: 120_000 });
    const recipientBackup = path.join(dataDir, 'recipient.backup');
    const made = await runVigil(['backup', '--out', recipientBackup, '--recipient', publicKey], { env, timeoutMs: 120_000 });
    expect(made.code, made.stderr).toBe(0);
    const again = await runVigil(['backup', '--out', recipientBackup, '--recipient', publicKey], { env });
    expect(again).toMatchObject({ code: 2, stderr: `vigil: cannot write the backup to ${recipientBackup}: it exists already (a backup never overwrites a file)\n` });

    await dropDatabase(uri);
    const withPassphrase = await runVigil(['restore', recipientBackup, '--passphrase-file', passphraseFile], { env });
    expect(withPassphrase.code).toBe(2);
    expect(withPassphrase.stderr).toMatch(/is encrypted for recipient key [0-9a-f]{16}: give --identity with its private key\n$/);
    const restored = await runVigil(['restore', recipientBackup, '--identity', privateKey], { env, timeoutMs: 120_000 });
    expect(restored.code, restored.stderr).toBe(0);
    expect(canonical(await rawDump(uri))).toEqual(canonical(original));
  });
});
