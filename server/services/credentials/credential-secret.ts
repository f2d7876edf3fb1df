import { utils } from 'ssh2';
import { AppError } from '../../errors/app-error';
import type { CredentialSecret, CredentialType } from '../../models/credential.model';

/**
 * Checks that a private key can be used before it is stored: parsable, and opened by the
 * passphrase when it is encrypted. A wrong passphrase fails now, not at 3 a.m. in a scan.
 */
export function assertUsablePrivateKey(privateKey: string, passphrase: string | undefined): void {
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    const reason = /passphrase|decrypt|encrypted/i.test(parsed.message)
      ? 'the passphrase does not open the private key'
      : `the private key could not be read (${parsed.message})`;
    throw new AppError('BAD_INPUT', reason);
  }
}

/** Keeps only the secret parts that belong to the credential type. */
export function buildSecret(type: CredentialType, input: CredentialSecret): CredentialSecret {
  if (type === 'ssh-key') {
    if (!input.privateKey) throw new AppError('BAD_INPUT', 'an ssh-key credential needs a private key');
    assertUsablePrivateKey(input.privateKey, input.passphrase);
  } else if (!input.password) {
    throw new AppError('BAD_INPUT', 'an ssh-password credential needs a password');
  }
  const secret: CredentialSecret = {};
  if (type === 'ssh-password') secret.password = input.password;
  if (type === 'ssh-key') secret.privateKey = input.privateKey;
  if (type === 'ssh-key' && input.passphrase) secret.passphrase = input.passphrase;
  if (input.sudoPassword) secret.sudoPassword = input.sudoPassword;
  return secret;
}
