import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import packageJson from '../package.json';
import { Sidebar } from './_components/sidebar';
import { TopBar } from './_components/top-bar';
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <div className="shell">
            <Sidebar version={packageJson.version} />
            <div className="workspace">
              <TopBar />
              <main className="content" id="content">
                {children}
              </main>
            </div>
          </div>
        </Providers>
      </body>
    </html>
  );
}
