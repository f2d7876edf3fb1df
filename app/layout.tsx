import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './_trpc/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Vigil', template: '%s · Vigil' },
  description: 'Vigil — self-hosted vulnerability management',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#0e1621',
};

/** The document; the console's shell (sidebar, top bar) is `(console)/layout.tsx`, the sign-in page has none. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
