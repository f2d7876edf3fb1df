'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { NavIcon } from './nav-icon';
import { NAV_SECTIONS, sectionOf } from './navigation';

export function Sidebar({ version }: { version: string }) {
  const pathname = usePathname();
  const current = sectionOf(pathname);
  return (
    <aside className="sidebar">
      <Link href="/" className="brand" aria-label="Vigil — dashboard" data-testid="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path d="M12 2.5 20 5.7v6c0 5-3.4 8.8-8 10.3-4.6-1.5-8-5.3-8-10.3v-6z" fill="currentColor" />
          <path d="M8.2 11.8 11 14.6l5-5.2" fill="none" stroke="#0e1621" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="brand-name">Vigil</span>
      </Link>
      <nav className="nav" aria-label="Main" data-testid="main-nav">
        <ul>
          {NAV_SECTIONS.map((section) => {
            const testId = `nav-${section.id}`;
            if (section.href === null) {
              return (
                <li key={section.id}>
                  <span
                    className="nav-item is-disabled"
                    role="link"
                    aria-disabled="true"
                    aria-label={section.label}
                    title={`${section.label} — ${section.description}. Coming in a later release.`}
                    data-testid={testId}
                    data-nav-item={section.id}
                  >
                    <NavIcon name={section.id} />
                    <span className="nav-label">{section.label}</span>
                    <span className="nav-soon" aria-hidden="true">
                      soon
                    </span>
                  </span>
                </li>
              );
            }
            const active = current?.id === section.id;
            return (
              <li key={section.id}>
                <Link
                  href={section.href}
                  className={active ? 'nav-item is-active' : 'nav-item'}
                  aria-current={active ? 'page' : undefined}
                  aria-label={section.label}
                  title={section.description}
                  data-testid={testId}
                  data-nav-item={section.id}
                >
                  <NavIcon name={section.id} />
                  <span className="nav-label">{section.label}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="sidebar-footer">
        <span>Vigil {version}</span>
        <span className="sidebar-footer-muted">Vulnerability management</span>
      </div>
    </aside>
  );
}
