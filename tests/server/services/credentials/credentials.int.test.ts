import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_BUSINESS_UNIT_ID, SYSTEM_SCOPE, type Scope } from '../../../../server/auth/scope';
import type { Runtime } from '../../../../server/runtime/runtime';
import { addCredential } from '../../../../server/services/credentials/add-credential';
import { addCredentialInput } from '../../../../server/services/credentials/credential-input';
import { deleteCredential } from '../../../../server/services/credentials/delete-credential';
import { getCredential } from '../../../../server/services/credentials/get-credential';
import { getCredentialSecretForJob } from '../../../../server/services/credentials/get-credential-secret-for-job';
import { listCredentials } from '../../../../server/services/credentials/list-credentials';
import { rotateCredential } from '../../../../server/services/credentials/rotate-credential';
import { closeRuntime, openTestRuntime } from '../../../helpers/runtime';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../../helpers/test-db';

const { uri } = testDatabaseUri();
let runtime: Runtime;
const otherUnit: Scope = { kind: 'units', businessUnitIds: ['unit-b'] };

const keyWithPassphrase = utils.generateKeyPairSync('ed25519', { passphrase: 'Key-Passphrase-marker', cipher: 'aes256-ctr', rounds: 4 });
const plainKey = utils.generateKeyPairSync('ed25519');

const add = (raw: Record<string, unknown>, scope: Scope = SYSTEM_SCOPE) =>
  addCredential({ scope, encryption: runtime.encryption, input: addCredentialInput.parse(raw) });

beforeAll(async () => {
  runtime = await openTestRuntime({ uri });
});

afterAll(async () => {
  await closeRuntime();
  await dropDatabase(uri);
});

describe('credential vault', () => {
  it('adds password and key credentials and returns metadata only', async () => {
    const password = await add({ name: 'lab', type: 'ssh-password', username: 'root', sudo: true, password: 'Pw-marker-1', sudoPassword: 'Sudo-marker-1' });
    expect(password).toMatchObject({ name: 'lab', type: 'ssh-password', username: 'root', sudo: true, hasSudoPassword: true, businessUnitId: ROOT_BUSINESS_UNIT_ID });
    expect(JSON.stringify(password)).not.toMatch(/marker/);

    const key = await add({ name: 'deploy-key', type: 'ssh-key', username: 'deploy', privateKey: keyWithPassphrase.private, passphrase: 'Key-Passphrase-marker' });
    expect(key).toMatchObject({ type: 'ssh-key', hasPassphrase: true, sudo: false });

    const listed = await listCredentials({ scope: SYSTEM_SCOPE });
    expect(listed.map((c) => c.name)).toEqual(['deploy-key', 'lab']);
    expect(JSON.stringify(listed)).not.toMatch(/marker|PRIVATE KEY|secret/);
  });

  it('stores no secret in clear anywhere in the database', async () => {
    const dump = await rawDump(uri);
    for (const marker of ['Pw-marker-1', 'Sudo-marker-1', 'Key-Passphrase-marker', keyWithPassphrase.private.split('\n')[1]!]) {
      expect(dumpContains(dump, marker)).toBe(false);
    }
    for (const doc of dump.credentials!) expect((doc.secret as { sub_type: number }).sub_type).toBe(6);
  });

  it('gives the secret in clear only through the scanner job path', async () => {
    expect(await getCredentialSecretForJob({ scope: SYSTEM_SCOPE, ref: { name: 'lab' } })).toEqual({ password: 'Pw-marker-1', sudoPassword: 'Sudo-marker-1' });
    const keySecret = await getCredentialSecretForJob({ scope: SYSTEM_SCOPE, ref: { name: 'deploy-key' } });
    expect(keySecret.privateKey).toBe(keyWithPassphrase.private);
    expect(keySecret.passphrase).toBe('Key-Passphrase-marker');
  });

  it('rotates a secret and records when', async () => {
    const { id } = await getCredential({ scope: SYSTEM_SCOPE, ref: { name: 'lab' } });
    const rotated = await rotateCredential({ scope: SYSTEM_SCOPE, encryption: runtime.encryption, ref: { id }, input: { password: 'Pw-marker-2' } });
    expect(rotated.rotatedAt).not.toBeNull();
    expect(rotated.hasSudoPassword).toBe(false);
    expect(await getCredentialSecretForJob({ scope: SYSTEM_SCOPE, ref: { id } })).toEqual({ password: 'Pw-marker-2' });
  });

  it('rejects duplicates, unusable keys and wrong passphrases, storing nothing', async () => {
    const before = await listCredentials({ scope: SYSTEM_SCOPE });
    await expect(add({ name: 'lab', type: 'ssh-password', username: 'x', password: 'p' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(add({ name: 'bad-key', type: 'ssh-key', username: 'x', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n-----END OPENSSH PRIVATE KEY-----\n' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/private key could not be read/),
    });
    await expect(add({ name: 'wrong-pass', type: 'ssh-key', username: 'x', privateKey: keyWithPassphrase.private, passphrase: 'wrong' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'the passphrase does not open the private key',
    });
    await expect(add({ name: 'no-pass', type: 'ssh-key', username: 'x', privateKey: keyWithPassphrase.private })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await listCredentials({ scope: SYSTEM_SCOPE })).toEqual(before);
  });

  it('rejects invalid input at the edge', () => {
    expect(addCredentialInput.safeParse({ name: '', type: 'ssh-password', username: 'root', password: 'x' }).success).toBe(false);
    expect(addCredentialInput.safeParse({ name: 'n', type: 'telnet', username: 'root', password: 'x' }).success).toBe(false);
    expect(addCredentialInput.safeParse({ name: 'n', type: 'ssh-password', username: 'root' }).success).toBe(false);
    expect(addCredentialInput.safeParse({ name: 'n', type: 'ssh-password', username: 'ro ot', password: 'x' }).success).toBe(false);
    expect(addCredentialInput.safeParse({ name: 'n', type: 'ssh-key', username: 'root', privateKey: 'x'.repeat(70_000) }).success).toBe(false);
  });

  it('hides credentials of other business units as not found, for every operation', async () => {
    const { id } = await getCredential({ scope: SYSTEM_SCOPE, ref: { name: 'lab' } });
    expect(await listCredentials({ scope: otherUnit })).toEqual([]);
    await expect(getCredential({ scope: otherUnit, ref: { id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getCredentialSecretForJob({ scope: otherUnit, ref: { id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rotateCredential({ scope: otherUnit, encryption: runtime.encryption, ref: { id }, input: { password: 'x' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(deleteCredential({ scope: otherUnit, ref: { id } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(addCredential({ scope: otherUnit, encryption: runtime.encryption, input: addCredentialInput.parse({ name: 'z', type: 'ssh-password', username: 'u', password: 'p' }) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await getCredential({ scope: SYSTEM_SCOPE, ref: { id } })).toMatchObject({ name: 'lab' });
  });

  it('deletes a credential, and a malformed id reads as not found', async () => {
    await add({ name: 'temp', type: 'ssh-key', username: 'svc', privateKey: plainKey.private });
    await deleteCredential({ scope: SYSTEM_SCOPE, ref: { name: 'temp' } });
    await expect(getCredential({ scope: SYSTEM_SCOPE, ref: { name: 'temp' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getCredential({ scope: SYSTEM_SCOPE, ref: { id: 'not-an-id' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
