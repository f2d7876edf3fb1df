import type { Types } from 'mongoose';
import type { Credential, CredentialType } from '../../models/credential.model';

/** What any caller may see of a credential: never the secret, not even encrypted. */
export interface CredentialMetadata {
  id: string;
  name: string;
  type: CredentialType;
  username: string;
  sudo: boolean;
  hasPassphrase: boolean;
  hasSudoPassword: boolean;
  businessUnitId: string;
  createdAt: string;
  updatedAt: string;
  rotatedAt: string | null;
}

type StoredCredential = Omit<Credential, 'secret'> & { _id: Types.ObjectId };

export function toCredentialMetadata(doc: StoredCredential): CredentialMetadata {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    type: doc.type,
    username: doc.username,
    sudo: doc.sudo,
    hasPassphrase: doc.hasPassphrase,
    hasSudoPassword: doc.hasSudoPassword,
    businessUnitId: doc.businessUnitId,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    rotatedAt: doc.rotatedAt ? doc.rotatedAt.toISOString() : null,
  };
}
