import { AppError } from '../../errors/app-error';
import { OidcProviderModel, WITHOUT_CLIENT_SECRET } from '../../models/oidc-provider.model';
import { requirePermission, type Acting } from '../auth/acting-principal';
import { ssoLoginPath, toSsoProviderSummary, type SsoProviderSummary } from './sso-provider-summary';

export async function listSsoProviders(options: { acting: Acting }): Promise<SsoProviderSummary[]> {
  requirePermission(options.acting, 'sso:read');
  const docs = await OidcProviderModel.find({}, WITHOUT_CLIENT_SECRET).sort({ _id: 1 }).lean();
  return docs.map(toSsoProviderSummary);
}

export async function getSsoProvider(options: { acting: Acting; id: string }): Promise<SsoProviderSummary> {
  requirePermission(options.acting, 'sso:read');
  const doc = await OidcProviderModel.findById(options.id, WITHOUT_CLIENT_SECRET).lean();
  if (!doc) throw new AppError('NOT_FOUND', `SSO provider ${options.id} not found`);
  return toSsoProviderSummary(doc);
}

export interface PublicSsoProvider {
  id: string;
  displayName: string;
  /** Where the "Sign in with …" button points (a path on the console). */
  loginUrl: string;
}

/** The enabled providers, for the sign-in page: anyone may see their names, nothing else. */
export async function listPublicSsoProviders(): Promise<PublicSsoProvider[]> {
  const docs = await OidcProviderModel.find({ enabled: true }, { displayName: 1 }).sort({ displayName: 1, _id: 1 }).lean();
  return docs.map((doc) => ({ id: doc._id, displayName: doc.displayName, loginUrl: ssoLoginPath(doc._id) }));
}
