export type NavIconName =
  | 'dashboard'
  | 'assets'
  | 'scans'
  | 'findings'
  | 'knowledgebase'
  | 'compliance'
  | 'reports'
  | 'scanners'
  | 'settings';

export interface NavSection {
  /** Stable id, also the suffix of the item's `data-testid` (`nav-<id>`). */
  id: NavIconName;
  label: string;
  /** Route of the section; `null` while the section is not part of this release. */
  href: string | null;
  description: string;
}

/** The console's sections, in sidebar order. Only sections with an `href` are available. */
export const NAV_SECTIONS: readonly NavSection[] = [
  { id: 'dashboard', label: 'Dashboard', href: '/', description: 'Overview of the installation' },
  { id: 'assets', label: 'Assets', href: null, description: 'Hosts, services and business units' },
  { id: 'scans', label: 'Scans', href: null, description: 'Network and authenticated scans' },
  { id: 'findings', label: 'Findings', href: null, description: 'Detected vulnerabilities' },
  { id: 'knowledgebase', label: 'KnowledgeBase', href: '/kb', description: 'Vulnerability knowledge base and sources' },
  { id: 'compliance', label: 'Compliance', href: null, description: 'Policy and benchmark compliance' },
  { id: 'reports', label: 'Reports', href: null, description: 'Scheduled and on-demand reports' },
  { id: 'scanners', label: 'Scanners', href: null, description: 'Enrolled scanner nodes' },
  { id: 'settings', label: 'Settings', href: null, description: 'Users, roles, credentials and keys' },
];

/** The section a pathname belongs to (longest matching route), if any. */
export function sectionOf(pathname: string): NavSection | undefined {
  let best: NavSection | undefined;
  for (const section of NAV_SECTIONS) {
    const href = section.href;
    if (href === null) continue;
    const matches = href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
    if (matches && (!best || href.length > (best.href ?? '').length)) best = section;
  }
  return best;
}
