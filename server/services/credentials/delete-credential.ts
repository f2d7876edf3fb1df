import type { Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { CredentialModel } from '../../models/credential.model';
import { credentialFilter, describeRef, type CredentialRef } from './credential-filter';

export async function deleteCredential(options: { scope: Scope; ref: CredentialRef }): Promise<void> {
  const result = await CredentialModel.deleteOne(credentialFilter(options.scope, options.ref));
  if (result.deletedCount === 0) throw new AppError('NOT_FOUND', `credential ${describeRef(options.ref)} not found`);
}
