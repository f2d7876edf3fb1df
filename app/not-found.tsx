import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <section className="card empty-state" data-testid="not-found">
      <h2>This page does not exist</h2>
      <p>The address may be mistyped, or the section is not part of this release of Vigil.</p>
      <Link href="/">Back to the dashboard</Link>
    </section>
  );
}
