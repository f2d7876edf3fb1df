import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthFrame } from './_components/brand-mark';

export const metadata: Metadata = { title: 'Not found' };

/** Addresses outside every section; pages inside the console have the shell's own not-found pages. */
export default function NotFound() {
  return (
    <AuthFrame>
      <section className="auth-card" data-testid="not-found">
        <h1>This page does not exist</h1>
        <p>The address may be mistyped, or the section is not part of this release of Vigil.</p>
        <p className="auth-actions">
          <Link href="/">Back to the dashboard</Link>
        </p>
      </section>
    </AuthFrame>
  );
}
