'use client';

import { usePathname } from 'next/navigation';
import { sectionOf } from './navigation';

export function TopBar() {
  const section = sectionOf(usePathname());
  const title = section?.label ?? 'Not found';
  return (
    <header className="topbar" data-testid="top-bar">
      <div className="topbar-title">
        <span className="topbar-crumb">Vigil</span>
        <span className="topbar-sep" aria-hidden="true">
          /
        </span>
        <h1 data-testid="page-title">{title}</h1>
      </div>
      {section ? <p className="topbar-description">{section.description}</p> : null}
    </header>
  );
}
