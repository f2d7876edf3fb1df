import { isValidObjectId } from 'mongoose';
import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';

/** A credential named by id or by name. */
export type CredentialRef = { id: string } | { name: string };

/** Filter for one credential inside the caller's scope; out-of-scope reads as not found. */
export function credentialFilter(scope: Scope, ref: CredentialRef): Record<string, unknown> {
  if ('id' in ref && !isValidObjectId(ref.id)) throw new AppError('NOT_FOUND', `credential ${ref.id} not found`);
  return { ...scopeFilter(scope), ...('id' in ref ? { _id: ref.id } : { name: ref.name }) };
}

export function describeRef(ref: CredentialRef): string {
  return 'id' in ref ? ref.id : `"${ref.name}"`;
}
