import type { NavIconName } from './navigation';

/** Outline icons (24×24 grid, drawn with the current text colour). Inline: the console loads nothing external. */
const PATHS: Record<NavIconName, string> = {
  dashboard: 'M3.5 3.5h7v9h-7zM13.5 3.5h7v5h-7zM13.5 11.5h7v9h-7zM3.5 15.5h7v5h-7z',
  assets: 'M3.5 4.5h17v6h-17zM3.5 13.5h17v6h-17zM7 7.5h.01M7 16.5h.01M11 7.5h6M11 16.5h6',
  scans: 'M12 3a9 9 0 1 0 9 9M12 7a5 5 0 1 0 5 5M12 12l7.5-7.5M12 12h.01',
  findings: 'M12 3.5 2.5 20h19zM12 10v4.5M12 17.2h.01',
  tickets: 'M4 6.5h16v3a2.5 2.5 0 0 0 0 5v3H4v-3a2.5 2.5 0 0 0 0-5zM9.5 9.5h5M9.5 14.5h5',
  knowledgebase: 'M4.5 4.5h6a2.5 2.5 0 0 1 2.5 2.5v13a2 2 0 0 0-2-2H4.5zM19.5 4.5h-4A2.5 2.5 0 0 0 13 7v13a2 2 0 0 1 2-2h4.5z',
  compliance: 'M12 3l7.5 3v5.5c0 4.6-3.1 8-7.5 9.5-4.4-1.5-7.5-4.9-7.5-9.5V6zM8.5 12l2.5 2.5 4.5-5',
  reports: 'M6 3.5h8l4 4v13H6zM14 3.5v4h4M9 12h6M9 15.5h6M9 8.5h2',
  scanners: 'M12 13.5v7M9 20.5h6M8.5 10a3.5 3.5 0 0 1 7 0M5.5 10a6.5 6.5 0 0 1 13 0M12 10h.01',
  audit: 'M9 3.5h6v3H9zM7.5 5H5v15.5h14V5h-2.5M8.5 11h7M8.5 14.5h7M8.5 18h4',
  settings: 'M4 6.5h10M18 6.5h2M4 12h3M11 12h9M4 17.5h11M19 17.5h1M16 4.5v4M9 10v4M17 15.5v4',
};

export function NavIcon({ name }: { name: NavIconName }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
