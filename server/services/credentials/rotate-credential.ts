import type { Scope } from '../../auth/scope';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { CredentialModel, WITHOUT_SECRET } from '../../models/credential.model';
import { credentialFilter, describeRef, type CredentialRef } from './credential-filter';
import type { RotateCredentialInput } from './credential-input';
import { toCredentialMetadata, type CredentialMetadata } from './credential-metadata';
import { buildSecret } from './credential-secret';

/** Replaces the whole secret of a credential (the old one is not kept). */
export async function rotateCredential(options: {
  scope: Scope;
  encryption: FieldEncryption;
  ref: CredentialRef;
  input: RotateCredentialInput;
}): Promise<CredentialMetadata> {
  const filter = credentialFilter(options.scope, options.ref);
  const existing = await CredentialModel.findOne(filter, WITHOUT_SECRET).lean();
  if (!existing) throw new AppError('NOT_FOUND', `credential ${describeRef(options.ref)} not found`);
  if (options.input.sudoPassword && !existing.sudo) throw new AppError('BAD_INPUT', 'a sudo password needs a credential with sudo enabled');
  const secret = buildSecret(existing.type, options.input);
  const encrypted = await options.encryption.encrypt({ ...secret }, { purpose: 'credentials' });
  const rotatedAt = new Date();
  const result = await CredentialModel.updateOne(
    { _id: existing._id },
    { $set: { secret: encrypted, hasPassphrase: Boolean(secret.passphrase), hasSudoPassword: Boolean(secret.sudoPassword), rotatedAt } },
  );
  if (result.matchedCount === 0) throw new AppError('NOT_FOUND', `credential ${describeRef(options.ref)} not found`);
  return toCredentialMetadata({
    ...existing,
    hasPassphrase: Boolean(secret.passphrase),
    hasSudoPassword: Boolean(secret.sudoPassword),
    rotatedAt,
    updatedAt: rotatedAt,
  });
}
