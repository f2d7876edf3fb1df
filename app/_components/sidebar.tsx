'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { BrandMark } from './brand-mark';
import { NavIcon } from './nav-icon';
import { sectionOf, visibleSections } from './navigation';

/** The sections the signed-in user's permissions allow; the others are not shown at all. */
export function Sidebar({ version, permissions }: { version: string; permissions: readonly string[] }) {
  const pathname = usePathname();
  const current = sectionOf(pathname);
  return (
    <aside className="sidebar">
      <div className="sidebar-inner">
        <Link href="/" className="brand" aria-label="Vigil — dashboard" data-testid="brand">
          <BrandMark />
          <span className="brand-name">Vigil</span>
        </Link>
        <nav className="nav" aria-label="Main" data-testid="main-nav">
          <ul>
            {visibleSections(permissions).map((section) => {
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
      </div>
    </aside>
  );
}
