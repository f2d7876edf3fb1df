import { scopeFilter, type Scope } from '../../auth/scope';
import { CredentialModel, WITHOUT_SECRET } from '../../models/credential.model';
import { toCredentialMetadata, type CredentialMetadata } from './credential-metadata';

export async function listCredentials(options: { scope: Scope }): Promise<CredentialMetadata[]> {
  const docs = await CredentialModel.find(scopeFilter(options.scope), WITHOUT_SECRET).sort({ name: 1 }).lean();
  return docs.map(toCredentialMetadata);
}
