/**
 * The permission matrix: the one place that says what each role may do. Transports check a
 * permission before calling a service; services additionally scope every query to the
 * caller's business units, so a permission never reaches data outside them.
 */
export const ROLES = ['admin', 'manager', 'analyst', 'remediation', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'system:read',
  'kb:read',
  'kb:manage',
  'assets:read',
  'assets:manage',
  'scans:read',
  'scans:manage',
  // Scanner nodes serve every unit (and receive job credentials), so enrolling or revoking one is installation-wide.
  'scanners:manage',
  'findings:read',
  'findings:triage',
  // Deciding a risk acceptance or false-positive claim (four-eyes: never one's own request).
  'findings:approve',
  'findings:remediate',
  'credentials:read',
  'credentials:manage',
  'users:read',
  'users:manage',
  'units:read',
  'units:manage',
  'sessions:manage',
  'tokens:own',
  'sso:read',
  'sso:manage',
  'settings:manage',
  'audit:read',
  // Sending the GitOps reports of the appliances (installation-wide, so admins only; reading them is settings:manage).
  'deployment:report',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_EVERYTHING: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read'));

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: [
    ...READ_EVERYTHING,
    'kb:manage',
    'assets:manage',
    'scans:manage',
    'findings:triage',
    'findings:approve',
    'findings:remediate',
    'credentials:manage',
    'tokens:own',
  ],
  analyst: ['system:read', 'kb:read', 'assets:read', 'assets:manage', 'scans:read', 'scans:manage', 'findings:read', 'findings:triage', 'findings:remediate', 'credentials:read', 'units:read', 'tokens:own'],
  remediation: ['system:read', 'kb:read', 'assets:read', 'scans:read', 'findings:read', 'findings:remediate', 'units:read', 'tokens:own'],
  // Read-only everywhere; a token of their own is how auditors script their reads.
  auditor: [...READ_EVERYTHING, 'tokens:own'],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Everything, including users, business units, SSO, settings, scanner nodes and other users’ sessions.',
  manager: 'Runs the programme: assets, scans, credentials, findings (approving exceptions) and KB sources of their units; reads users and the audit log.',
  analyst: 'Runs scans and triages findings of their units.',
  remediation: 'Sees the findings of their units and records fixes.',
  auditor: 'Reads everything of their units, including the audit log; changes nothing.',
};

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** A role may hand out (to a token or a user it creates) only roles whose permissions it holds itself. */
export function roleCovers(holder: Role, granted: Role): boolean {
  return ROLE_PERMISSIONS[granted].every((permission) => roleHas(holder, permission));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
