import type { Permission } from '../../server/auth/permissions';

export type NavIconName =
  | 'dashboard'
  | 'assets'
  | 'scans'
  | 'findings'
  | 'tickets'
  | 'knowledgebase'
  | 'compliance'
  | 'reports'
  | 'scanners'
  | 'audit'
  | 'settings';

export interface NavSection {
  /** Stable id, also the suffix of the item's `data-testid` (`nav-<id>`). */
  id: NavIconName;
  label: string;
  /** Route of the section; `null` while the section is not part of this release. */
  href: string | null;
  description: string;
  /** Shown to users holding any of these permissions. */
  anyOf: readonly Permission[];
}

/** Settings pages, in tab order; the Settings section is there when one of them is allowed. */
export const SETTINGS_PAGES = [
  { id: 'users', href: '/settings/users', label: 'Users', anyOf: ['users:read'] },
  { id: 'units', href: '/settings/units', label: 'Business units', anyOf: ['units:read'] },
  { id: 'roles', href: '/settings/roles', label: 'Roles', anyOf: ['users:read'] },
  { id: 'tokens', href: '/settings/tokens', label: 'API tokens', anyOf: ['users:manage'] },
  { id: 'sso', href: '/settings/sso', label: 'Single sign-on', anyOf: ['sso:read'] },
  { id: 'security', href: '/settings/security', label: 'Security', anyOf: ['settings:manage'] },
  { id: 'webhooks', href: '/settings/webhooks', label: 'Webhooks', anyOf: ['settings:manage'] },
  { id: 'deployment', href: '/settings/deployment', label: 'Deployment', anyOf: ['settings:manage'] },
] as const satisfies readonly { id: string; href: string; label: string; anyOf: readonly Permission[] }[];

export type SettingsPageId = (typeof SETTINGS_PAGES)[number]['id'];

const SETTINGS_PERMISSIONS: Permission[] = [...new Set(SETTINGS_PAGES.flatMap((page) => page.anyOf))];

/** The console's sections, in sidebar order. Only sections with an `href` are available. */
export const NAV_SECTIONS: readonly NavSection[] = [
  { id: 'dashboard', label: 'Dashboard', href: '/', description: 'Overview of the installation', anyOf: ['system:read'] },
  { id: 'assets', label: 'Assets', href: '/assets', description: 'Hosts, services and business units', anyOf: ['assets:read'] },
  { id: 'scans', label: 'Scans', href: '/scans', description: 'Network and authenticated scans', anyOf: ['scans:read'] },
  { id: 'findings', label: 'Findings', href: '/findings', description: 'Detected vulnerabilities', anyOf: ['findings:read'] },
  { id: 'tickets', label: 'Tickets', href: '/tickets', description: 'Remediation tickets, verified by the next scan', anyOf: ['findings:read'] },
  { id: 'knowledgebase', label: 'KnowledgeBase', href: '/kb', description: 'Vulnerability knowledge base and sources', anyOf: ['kb:read'] },
  { id: 'compliance', label: 'Compliance', href: null, description: 'Policy and benchmark compliance', anyOf: ['findings:read'] },
  { id: 'reports', label: 'Reports', href: null, description: 'Scheduled and on-demand reports', anyOf: ['findings:read'] },
  { id: 'scanners', label: 'Scanners', href: '/scanners', description: 'Enrolled scanner nodes and enrolment tokens', anyOf: ['scans:read', 'scanners:manage'] },
  { id: 'audit', label: 'Audit log', href: '/audit', description: 'Who did what, when, from where — hash-chained', anyOf: ['audit:read'] },
  { id: 'settings', label: 'Settings', href: '/settings', description: 'Users, business units, roles, API tokens, single sign-on, webhooks, deployment', anyOf: SETTINGS_PERMISSIONS },
];

/** Pages outside the sidebar that still have a title in the top bar. */
const OTHER_PAGES: readonly Pick<NavSection, 'label' | 'href' | 'description'>[] = [
  { label: 'Account', href: '/account', description: 'Your password, second factor, sessions and API tokens' },
];

export function allows(permissions: readonly string[], anyOf: readonly Permission[]): boolean {
  return anyOf.some((permission) => permissions.includes(permission));
}

/** The sections a user with these permissions sees (the others are left out, not greyed out). */
export function visibleSections(permissions: readonly string[]): NavSection[] {
  return NAV_SECTIONS.filter((section) => allows(permissions, section.anyOf));
}

/** The first settings page this user may open (for /settings), if any. */
export function firstSettingsPage(permissions: readonly string[]): string | null {
  return SETTINGS_PAGES.find((page) => allows(permissions, page.anyOf))?.href ?? null;
}

const matches = (href: string, pathname: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`));

/** The section a pathname belongs to (longest matching route), if any. */
export function sectionOf(pathname: string): NavSection | undefined {
  let best: NavSection | undefined;
  for (const section of NAV_SECTIONS) {
    const href = section.href;
    if (href === null) continue;
    if (matches(href, pathname) && (!best || href.length > (best.href ?? '').length)) best = section;
  }
  return best;
}

/** Title and description of the page in the top bar. */
export function pageHeading(pathname: string): { label: string; description: string } | undefined {
  return sectionOf(pathname) ?? OTHER_PAGES.find((page) => page.href !== null && matches(page.href, pathname));
}
