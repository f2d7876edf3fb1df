import type { Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { CredentialModel, WITHOUT_SECRET } from '../../models/credential.model';
import { credentialFilter, describeRef, type CredentialRef } from './credential-filter';
import { toCredentialMetadata, type CredentialMetadata } from './credential-metadata';

export async function getCredential(options: { scope: Scope; ref: CredentialRef }): Promise<CredentialMetadata> {
  const doc = await CredentialModel.findOne(credentialFilter(options.scope, options.ref), WITHOUT_SECRET).lean();
  if (!doc) throw new AppError('NOT_FOUND', `credential ${describeRef(options.ref)} not found`);
  return toCredentialMetadata(doc);
}
