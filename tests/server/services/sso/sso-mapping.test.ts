import { describe, expect, it } from 'vitest';
import { groupsOfClaims, mapSsoAccess } from '../../../../server/services/sso/map-sso-access';
import { isLoopbackHttpUrl } from '../../../../server/services/sso/loopback-issuer';
import { identityOfClaims } from '../../../../server/services/sso/sso-identity';
import { SsoRefusal } from '../../../../server/services/sso/sso-login-failure';
import { createSsoProviderInput, issuerSchema } from '../../../../server/services/sso/sso-provider-input';
import { ssoReturnPath } from '../../../../server/services/sso/sso-return-path';

const provider = {
  groupMappings: [
    { group: 'vigil-admins', role: 'admin' as const, businessUnitId: 'root' },
    { group: 'vigil-analysts', role: 'analyst' as const, businessUnitId: 'secops' },
    { group: 'staff', role: 'auditor' as const, businessUnitId: 'root' },
  ],
  defaultRole: null,
  defaultBusinessUnitId: 'root',
};

describe('group → role and unit mapping', () => {
  it('takes the first mapping, in configured order, whose group the user has', () => {
    expect(mapSsoAccess(provider, ['staff', 'vigil-analysts'])).toEqual({ role: 'analyst', businessUnitId: 'secops', group: 'vigil-analysts' });
    expect(mapSsoAccess(provider, ['vigil-analysts', 'vigil-admins'])).toEqual({ role: 'admin', businessUnitId: 'root', group: 'vigil-admins' });
    expect(mapSsoAccess(provider, ['staff'])).toMatchObject({ role: 'auditor', group: 'staff' });
  });

  it('compares group names exactly, and refuses users no mapping matches unless there is a default role', () => {
    expect(mapSsoAccess(provider, ['Vigil-Admins', 'contractors'])).toBeNull();
    expect(mapSsoAccess(provider, [])).toBeNull();
    expect(mapSsoAccess({ ...provider, defaultRole: 'remediation', defaultBusinessUnitId: 'ops' }, ['contractors'])).toEqual({ role: 'remediation', businessUnitId: 'ops', group: null });
  });

  it('reads the groups claim as an array of strings or a single string', () => {
    expect(groupsOfClaims({ groups: ['a', 'b', 3, null] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsOfClaims({ roles: 'vigil-admins' }, 'roles')).toEqual(['vigil-admins']);
    expect(groupsOfClaims({ groups: { a: 1 } }, 'groups')).toEqual([]);
    expect(groupsOfClaims({}, 'groups')).toEqual([]);
  });
});

describe('identity from the IdP claims', () => {
  it('uses sub, the e-mail (lower-cased) and the best name available', () => {
    expect(identityOfClaims({ sub: 'u1', email: 'Alice@Corp.Test', name: 'Alice A' })).toEqual({ subject: 'u1', email: 'alice@corp.test', name: 'Alice A' });
    expect(identityOfClaims({ sub: 'u2', email: 'b@corp.test', given_name: 'Bob', family_name: 'B' }).name).toBe('Bob B');
    expect(identityOfClaims({ sub: 'u3', email: 'c@corp.test' }).name).toBe('c@corp.test');
  });

  it('refuses claims without a usable e-mail, or with an unverified one', () => {
    const refusal = (claims: Record<string, unknown>) => {
      try {
        identityOfClaims(claims);
      } catch (error) {
        return error instanceof SsoRefusal ? `${error.code}: ${error.message}` : String(error);
      }
      return 'accepted';
    };
    expect(refusal({ sub: 'u1' })).toMatch(/^sso_failed: .*no usable e-mail/);
    expect(refusal({ sub: 'u1', email: 'not-an-address' })).toMatch(/no usable e-mail/);
    expect(refusal({ sub: 'u1', email: 'x@corp.test', email_verified: false })).toMatch(/not verified/);
    expect(refusal({ email: 'x@corp.test' })).toMatch(/no subject/);
  });
});

describe('provider configuration input', () => {
  it('accepts https issuers and plain http only on loopback', () => {
    expect(issuerSchema.safeParse('https://login.corp.test/realms/main').success).toBe(true);
    expect(issuerSchema.safeParse('http://127.0.0.1:4000').success).toBe(true);
    expect(issuerSchema.safeParse('http://localhost:4000').success).toBe(true);
    expect(issuerSchema.safeParse('http://[::1]:4000').success).toBe(true);
    expect(issuerSchema.safeParse('http://idp.corp.test').success).toBe(false);
    expect(issuerSchema.safeParse('http://[fd00::5]').success).toBe(false);
    expect(issuerSchema.safeParse('https://idp.corp.test/?x=1').success).toBe(false);
    expect(issuerSchema.safeParse('ftp://idp.corp.test').success).toBe(false);
    // The issuer is kept exactly (a trailing slash is part of some IdPs' issuer).
    expect(issuerSchema.parse('https://tenant.auth0.test/')).toBe('https://tenant.auth0.test/');
    expect(isLoopbackHttpUrl(new URL('http://127.10.0.1'))).toBe(true);
    expect(isLoopbackHttpUrl(new URL('https://127.0.0.1'))).toBe(false);
  });

  it('takes a URL-safe id, always asks for the openid scope, and refuses malformed ids and scope tokens', () => {
    const parsed = createSsoProviderInput.parse({ id: 'corp-sso', displayName: 'Corp', issuer: 'https://idp.corp.test', clientId: 'vigil', scopes: ['email', 'groups'] });
    expect(parsed.scopes).toEqual(['openid', 'email', 'groups']);
    expect(parsed).toMatchObject({ groupClaim: 'groups', groupMappings: [], defaultRole: null, applyMfaPolicy: false, enabled: true });
    expect(createSsoProviderInput.safeParse({ id: 'Corp SSO', displayName: 'x', issuer: 'https://idp.corp.test', clientId: 'v' }).success).toBe(false);
    expect(createSsoProviderInput.safeParse({ id: 'corp', displayName: 'x', issuer: 'https://idp.corp.test', clientId: 'v', scopes: ['a"b'] }).success).toBe(false);
  });
});

describe('where to land after signing in', () => {
  it('keeps console paths and turns anything else into /', () => {
    expect(ssoReturnPath('/kb?q=openssl')).toBe('/kb?q=openssl');
    expect(ssoReturnPath(null)).toBe('/');
    for (const raw of ['//evil.test/x', '/\\evil.test', 'https://evil.test/', 'kb', '/login?next=/x', '/api/trpc/x', '/x\u0000y']) {
      expect(ssoReturnPath(raw), raw).toBe('/');
    }
  });
});
