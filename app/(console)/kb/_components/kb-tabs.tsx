'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/kb', label: 'Vulnerabilities', testId: 'kb-tab-search' },
  { href: '/kb/sources', label: 'Sources', testId: 'kb-tab-sources' },
] as const;

/** The KnowledgeBase's own sub-navigation: the catalogue and its upstream sources. */
export function KbTabs() {
  const pathname = usePathname();
  const active = pathname === '/kb/sources' || pathname.startsWith('/kb/sources/') ? '/kb/sources' : '/kb';
  return (
    <nav className="kb-tabs" aria-label="KnowledgeBase" data-testid="kb-tabs">
      {TABS.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          className={tab.href === active ? 'kb-tab is-active' : 'kb-tab'}
          aria-current={tab.href === active ? 'page' : undefined}
          data-testid={tab.testId}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
