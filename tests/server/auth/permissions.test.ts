import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, permissionsOf, roleCovers, roleHas, type Role } from '../../../server/auth/permissions';

const WRITES = PERMISSIONS.filter((p) => !p.endsWith(':read'));

describe('permission matrix', () => {
  it('gives admins every permission', () => {
    expect([...permissionsOf('admin')].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('keeps auditors read-only (their own API token aside)', () => {
    expect(permissionsOf('auditor').filter((p) => WRITES.includes(p))).toEqual(['tokens:own']);
    expect(roleHas('auditor', 'audit:read')).toBe(true);
  });

  it.each<[Role, string, boolean]>([
    ['manager', 'users:manage', false],
    ['manager', 'credentials:manage', true],
    ['analyst', 'scans:manage', true],
    ['analyst', 'scanners:manage', false],
    ['manager', 'scanners:manage', false],
    ['analyst', 'audit:read', false],
    ['remediation', 'findings:remediate', true],
    ['remediation', 'findings:triage', false],
    ['manager', 'findings:approve', true],
    ['analyst', 'findings:approve', false],
    ['remediation', 'findings:approve', false],
    ['remediation', 'credentials:read', false],
  ])('%s has %s: %s', (role, permission, expected) => {
    expect(roleHas(role, permission as never)).toBe(expected);
  });

  it('lets a role grant only roles it covers', () => {
    for (const role of ROLES) expect(roleCovers('admin', role)).toBe(true);
    expect(roleCovers('analyst', 'remediation')).toBe(true);
    expect(roleCovers('analyst', 'auditor')).toBe(false);
    expect(roleCovers('auditor', 'analyst')).toBe(false);
    expect(roleCovers('manager', 'admin')).toBe(false);
  });
});
