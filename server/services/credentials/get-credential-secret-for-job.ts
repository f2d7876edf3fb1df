import type { Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { CredentialModel, type CredentialSecret } from '../../models/credential.model';
import { credentialFilter, describeRef, type CredentialRef } from './credential-filter';

/**
 * The only way to obtain a credential in clear: for one scan job, just in time, kept in memory
 * by the caller. ESLint forbids importing this file anywhere but the scanner job path.
 * The driver decrypts `secret` automatically on this read.
 */
export async function getCredentialSecretForJob(options: { scope: Scope; ref: CredentialRef }): Promise<CredentialSecret> {
  const doc = await CredentialModel.findOne(credentialFilter(options.scope, options.ref), { secret: 1 }).lean();
  if (!doc) throw new AppError('NOT_FOUND', `credential ${describeRef(options.ref)} not found`);
  const secret = doc.secret as unknown;
  if (!secret || typeof secret !== 'object' || 'sub_type' in secret) {
    throw new AppError('INTERNAL', `credential ${describeRef(options.ref)} could not be decrypted`);
  }
  return secret as CredentialSecret;
}
