import Link from 'next/link';

export default function KbVulnerabilityNotFound() {
  return (
    <section className="card empty-state" data-testid="kb-not-found">
      <h2>No such vulnerability</h2>
      <p>The KnowledgeBase has no record with this id, Vigil id or alias. It may not have been imported yet, or the id is mistyped.</p>
      <Link href="/kb">Search the KnowledgeBase</Link>
    </section>
  );
}
