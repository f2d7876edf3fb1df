import { ROOT_BUSINESS_UNIT_ID, canWriteUnit, type Scope } from '../../auth/scope';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { CredentialModel } from '../../models/credential.model';
import type { AddCredentialInput } from './credential-input';
import { toCredentialMetadata, type CredentialMetadata } from './credential-metadata';
import { buildSecret } from './credential-secret';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export async function addCredential(options: {
  scope: Scope;
  encryption: FieldEncryption;
  input: AddCredentialInput;
  businessUnitId?: string;
}): Promise<CredentialMetadata> {
  const { input, scope } = options;
  const businessUnitId = options.businessUnitId ?? ROOT_BUSINESS_UNIT_ID;
  if (!canWriteUnit(scope, businessUnitId)) throw new AppError('NOT_FOUND', `business unit ${businessUnitId} not found`);
  if (await CredentialModel.exists({ businessUnitId, name: input.name })) {
    throw new AppError('CONFLICT', `a credential named "${input.name}" already exists`);
  }
  const secret = buildSecret(input.type, input);
  const encrypted = await options.encryption.encrypt({ ...secret }, { purpose: 'credentials' });
  try {
    const created = await CredentialModel.create({
      name: input.name,
      type: input.type,
      username: input.username,
      sudo: input.sudo,
      hasPassphrase: Boolean(secret.passphrase),
      hasSudoPassword: Boolean(secret.sudoPassword),
      businessUnitId,
      secret: encrypted,
    });
    const { secret: _omit, ...metadata } = created.toObject();
    return toCredentialMetadata(metadata);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new AppError('CONFLICT', `a credential named "${input.name}" already exists`);
    throw error;
  }
}
