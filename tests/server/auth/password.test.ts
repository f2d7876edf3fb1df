import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../../server/auth/password';

describe('password policy', () => {
  it.each([
    ['short', /at least 12 characters/],
    ['x'.repeat(129), /at most 128 characters/],
    ['aaaaaaaaaaaaaaa', /one repeated character/],
    ['Password1234', /commonly used/],
    ['my-alice-password', /account name/],
  ])('rejects %s', (password, message) => {
    expect(() => checkPasswordPolicy(password, { email: 'alice@vigil.test' })).toThrow(message);
  });

  it('accepts a long passphrase, counting characters not bytes', () => {
    expect(() => checkPasswordPolicy('correct horse battery staple', { email: 'alice@vigil.test' })).not.toThrow();
    expect(() => checkPasswordPolicy('ééééééééééé1', { email: 'alice@vigil.test' })).not.toThrow();
  });
});

describe('argon2id hashing', () => {
  it('verifies the right password only, and never throws on garbage hashes', async () => {
    const stored = await hashPassword('Correct-Horse-9');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(stored, 'Correct-Horse-9')).toBe(true);
    expect(await verifyPassword(stored, 'correct-horse-9')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
  });
});
