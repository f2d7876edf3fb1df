import { AppError } from '../../errors/app-error';
import type { OidcTokenAuthMethod } from '../../models/oidc-provider.model';

/** A confidential client authenticates with its secret; a public client (method "none") has none. */
export function assertSecretFitsMethod(method: OidcTokenAuthMethod, hasSecret: boolean): void {
  if (method !== 'none' && !hasSecret) throw new AppError('BAD_INPUT', `token endpoint authentication ${method} needs a client secret`);
  if (method === 'none' && hasSecret) throw new AppError('BAD_INPUT', 'a public client (token endpoint authentication "none") takes no client secret');
}
