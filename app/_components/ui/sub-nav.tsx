'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface SubNavTab {
  href: string;
  label: string;
  testId: string;
}

/** A section's own tabs (KnowledgeBase, Settings); the longest tab route that holds the page is current. */
export function SubNav({ label, tabs, testId }: { label: string; tabs: readonly SubNavTab[]; testId: string }) {
  const pathname = usePathname();
  const active = tabs
    .filter((tab) => pathname === tab.href || pathname.startsWith(`${tab.href}/`))
    .reduce<SubNavTab | null>((best, tab) => (!best || tab.href.length > best.href.length ? tab : best), null);
  return (
    <nav className="ui-tabs" aria-label={label} data-testid={testId}>
      {tabs.map((tab) => {
        const current = tab.href === active?.href;
        return (
          <Link key={tab.href} href={tab.href} className={current ? 'ui-tab is-active' : 'ui-tab'} aria-current={current ? 'page' : undefined} data-testid={tab.testId}>
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
