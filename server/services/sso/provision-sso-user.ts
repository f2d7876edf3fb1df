import { UserModel, WITHOUT_USER_SECRETS, type User } from '../../models/user.model';
import { recordAudit } from '../audit/record-audit';
import type { SsoAccess } from './map-sso-access';
import type { SsoIdentity } from './sso-identity';
import { SsoRefusal } from './sso-login-failure';
import { isDuplicateKeyError } from '../../db/duplicate-key';

export type SsoUser = Omit<User, 'passwordHash'> & { _id: string };

function findBySubject(providerId: string, subject: string) {
  return UserModel.findOne({ 'oidc.providerId': providerId, 'oidc.subject': subject }, WITHOUT_USER_SECRETS).lean();
}

/** Why an e-mail address cannot be taken by this SSO user. An existing account is never linked silently. */
async function conflictOf(email: string, providerId: string, exceptUserId?: unknown): Promise<string | null> {
  const other = await UserModel.findOne({ email, ...(exceptUserId ? { _id: { $ne: exceptUserId } } : {}) }, { authSource: 1, oidc: 1 }).lean();
  if (!other) return null;
  if (other.authSource === 'local') return `a local account with e-mail ${email} exists; it is not linked to single sign-on automatically (an admin removes or renames it first)`;
  return `e-mail ${email} belongs to a user of SSO provider ${other.oidc?.providerId ?? 'unknown'}${other.oidc?.providerId === providerId ? ' with another subject' : ''}`;
}

type ProvisionOptions = { providerId: string; identity: SsoIdentity; access: SsoAccess; ip: string | null };

/** Accounts created or changed by a sign-in are audited like an admin's changes, with the IdP as their source. */
function auditProvisioning(action: 'user.create' | 'user.update', userId: string, options: ProvisionOptions, previous: Record<string, string> = {}) {
  const { access } = options;
  return recordAudit({
    actor: { type: 'system' },
    action,
    target: { type: 'user', id: userId, label: options.identity.email },
    ip: options.ip,
    outcome: 'success',
    details: { source: 'oidc', provider: options.providerId, group: access.group, role: access.role, businessUnitId: access.businessUnitId, ...previous },
    businessUnitId: access.businessUnitId,
  });
}

/**
 * The Vigil user behind an IdP identity, found by (provider, subject) or created just in time
 * (authSource "oidc", no password). Role and business unit follow the group mapping at every
 * sign-in; name and e-mail follow the IdP. Creations and role/unit changes are audited.
 */
export async function provisionSsoUser(options: ProvisionOptions): Promise<{ user: SsoUser; created: boolean }> {
  const { providerId, identity, access } = options;
  const found = await findBySubject(providerId, identity.subject);
  if (found) {
    if (found.disabled) throw new SsoRefusal('sso_account_disabled', `account ${found.email} is disabled`);
    const set: Partial<User> = {};
    if (found.name !== identity.name) set.name = identity.name;
    if (found.email !== identity.email) {
      const conflict = await conflictOf(identity.email, providerId, found._id);
      if (conflict) throw new SsoRefusal('sso_account_conflict', conflict);
      set.email = identity.email;
    }
    if (found.role !== access.role) set.role = access.role;
    if (found.businessUnitId !== access.businessUnitId) set.businessUnitId = access.businessUnitId;
    if (Object.keys(set).length === 0) return { user: { ...found, _id: String(found._id) }, created: false };
    try {
      await UserModel.updateOne({ _id: found._id }, { $set: set });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new SsoRefusal('sso_account_conflict', `e-mail ${identity.email} is already taken`);
      throw error;
    }
    if (set.role !== undefined || set.businessUnitId !== undefined || set.email !== undefined) {
      await auditProvisioning('user.update', String(found._id), options, { previousRole: found.role, previousBusinessUnitId: found.businessUnitId });
    }
    return { user: { ...found, ...set, _id: String(found._id) }, created: false };
  }

  const conflict = await conflictOf(identity.email, providerId);
  if (conflict) throw new SsoRefusal('sso_account_conflict', conflict);
  let created;
  try {
    created = await UserModel.create({
      email: identity.email,
      name: identity.name,
      role: access.role,
      businessUnitId: access.businessUnitId,
      passwordHash: null,
      authSource: 'oidc',
      oidc: { providerId, subject: identity.subject },
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // The same user's other sign-in created the account a moment ago.
    const raced = await findBySubject(providerId, identity.subject);
    if (!raced) throw new SsoRefusal('sso_account_conflict', `e-mail ${identity.email} is already taken`);
    return { user: { ...raced, _id: String(raced._id) }, created: false };
  }
  const { passwordHash: _hash, ...user } = created.toObject();
  await auditProvisioning('user.create', String(user._id), options);
  return { user: { ...user, _id: String(user._id) }, created: true };
}
