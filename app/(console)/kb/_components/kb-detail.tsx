import Link from 'next/link';
import type { ReactNode } from 'react';
import { AffectedPackages } from './kb-affected';
import { KevBadge, SeverityChip, SourceTag } from './kb-badges';
import { formatDay, formatEpss, formatPercentile, formatScore, formatUtcMinute, severityOfScore, sourceLabel } from './kb-format';
import type { KbDetail } from './kb-types';

const FIELD_LABEL: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  cvss: 'CVSS score shown',
  published: 'Published / modified / status',
  epss: 'EPSS',
  kev: 'KEV',
};

/** Only web links become anchors: upstream data is not trusted to carry safe URLs. */
function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

function Card({ title, id, children, actions, testId }: { title: string; id: string; children: ReactNode; actions?: ReactNode; testId: string }) {
  return (
    <section className="card kb-card" aria-labelledby={id} data-testid={testId}>
      <header className="kb-card-header">
        <h3 id={id}>{title}</h3>
        {actions}
      </header>
      {children}
    </section>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="kb-fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function CvssList({ record }: { record: KbDetail }) {
  if (record.cvss.length === 0) return <p className="ui-muted kb-pad">No CVSS score has been published.</p>;
  const shownIndex = record.cvss.findIndex(
    (entry) => entry.vector === record.cvssVector && entry.baseScore === record.cvssScore && (!record.fieldSources.cvss || entry.source === record.fieldSources.cvss),
  );
  return (
    <ul className="kb-cvss" data-testid="kb-cvss">
      {record.cvss.map((entry, index) => (
        <li key={`${entry.source}:${entry.version}:${entry.vector}:${index}`} className={index === shownIndex ? 'is-shown' : undefined} data-testid="kb-cvss-row">
          <div className="kb-cvss-head">
            <SeverityChip severity={severityOfScore(entry.baseScore)} score={entry.baseScore} version={entry.version} />
            <span className="kb-cvss-version-label">CVSS v{entry.version}</span>
            {index === shownIndex ? (
              <span className="kb-tag kb-tag-accent" title="The score this record is rated by">
                shown
              </span>
            ) : null}
            <span className="kb-cvss-source">
              <SourceTag source={entry.source} />
            </span>
          </div>
          <code className="kb-vector">{entry.vector}</code>
          <div className="kb-scorer">
            Scored by {entry.scoredBy ?? <span className="ui-muted">unknown</span>}
            {entry.type ? <span className="ui-muted"> · {entry.type}</span> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Epss({ epss }: { epss: KbDetail['epss'] }) {
  if (!epss) return <p className="ui-muted kb-pad">No EPSS score.</p>;
  return (
    <div className="kb-pad">
      <div className="kb-big" data-testid="kb-epss-score">
        {formatEpss(epss.score)}
        <span className="kb-big-caption">probability of exploitation in the next 30 days</span>
      </div>
      <div className="kb-epss-bar kb-epss-bar-wide" aria-hidden="true">
        <span style={{ width: `${Math.max(1, Math.round(epss.score * 100))}%` }} />
      </div>
      <dl className="kb-facts">
        <Fact label="Percentile" testId="kb-epss-percentile">
          {formatPercentile(epss.percentile)}
        </Fact>
        <Fact label="Score date" testId="kb-epss-date">
          {epss.date}
        </Fact>
        {epss.modelVersion ? <Fact label="Model">{epss.modelVersion}</Fact> : null}
        <Fact label="Source">
          <SourceTag source={epss.source} />
        </Fact>
      </dl>
    </div>
  );
}

function Kev({ kev }: { kev: KbDetail['kev'] }) {
  if (!kev) return <p className="ui-muted kb-pad">Not in the CISA Known Exploited Vulnerabilities catalog.</p>;
  const ransomware = /^known$/i.test(kev.knownRansomwareCampaignUse);
  return (
    <div className="kb-pad kb-kev-block">
      <p className="kb-kev-name">{kev.vulnerabilityName}</p>
      <dl className="kb-facts">
        <Fact label="Vendor / product">
          {kev.vendorProject} · {kev.product}
        </Fact>
        <Fact label="Added" testId="kb-kev-added">
          {kev.dateAdded}
        </Fact>
        <Fact label="Due date" testId="kb-kev-due">
          <strong>{kev.dueDate}</strong>
        </Fact>
        <Fact label="Ransomware use" testId="kb-kev-ransomware">
          <span className={ransomware ? 'kb-ransomware-known' : undefined}>{kev.knownRansomwareCampaignUse || 'Unknown'}</span>
        </Fact>
      </dl>
      <div className="kb-required-action" data-testid="kb-kev-action">
        <span className="kb-label">Required action</span>
        <p>{kev.requiredAction}</p>
      </div>
      {kev.notes ? <p className="kb-kev-notes">{kev.notes}</p> : null}
    </div>
  );
}

function Provenance({ record }: { record: KbDetail }) {
  const fields = Object.keys(FIELD_LABEL) as (keyof KbDetail['fieldSources'])[];
  const otherTitles = record.alternatives.title.filter((alt) => alt.value !== record.title);
  const otherDescriptions = record.alternatives.description.filter((alt) => alt.value !== record.description);
  return (
    <div className="kb-pad">
      <table className="ui-table kb-table kb-table-compact" data-testid="kb-provenance">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Set by</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => {
            const source = record.fieldSources[field];
            return (
              <tr key={field} data-field={field}>
                <td>{FIELD_LABEL[field]}</td>
                <td>{source ? <SourceTag source={source} /> : <span className="ui-muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {otherTitles.length > 0 ? (
        <div className="kb-alternatives" data-testid="kb-alt-titles">
          <span className="kb-label">Other titles</span>
          <ul>
            {otherTitles.map((alt, index) => (
              <li key={index}>
                <SourceTag source={alt.source} /> {alt.value}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {otherDescriptions.length > 0 ? (
        <details className="kb-alternatives" data-testid="kb-alt-descriptions">
          <summary>
            {otherDescriptions.length} other {otherDescriptions.length === 1 ? 'description' : 'descriptions'}
          </summary>
          <ul>
            {otherDescriptions.map((alt, index) => (
              <li key={index}>
                <SourceTag source={alt.source} />
                <p className="kb-prose">{alt.value}</p>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <p className="ui-muted ui-small">
        Contributing sources: {record.sources.map(sourceLabel).join(', ') || '—'}. Where sources disagree, the precedence of the KB merge picks the value
        shown; the others are kept above.
      </p>
    </div>
  );
}

export function KbDetailView({ record }: { record: KbDetail }) {
  return (
    <article className="kb-detail" data-testid="kb-detail" data-id={record.id}>
      <nav className="kb-breadcrumb" aria-label="Breadcrumb">
        <Link href="/kb">KnowledgeBase</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{record.id}</span>
      </nav>

      {record.rejected ? (
        <div className="alert alert-error kb-alert kb-rejected-banner" role="alert" data-testid="kb-rejected">
          <div className="alert-title">Rejected</div>
          <p className="alert-message">
            This identifier was rejected or withdrawn by its issuer{record.status ? ` (status: ${record.status})` : ''}. It names no vulnerability and is never
            matched against assets.
          </p>
        </div>
      ) : null}

      <header className="card kb-detail-header">
        <div className="kb-detail-ids">
          <h2 className="kb-detail-id" data-testid="kb-detail-id">
            {record.id}
          </h2>
          <span className="kb-vgl" title="Vigil id: stable, never reused" data-testid="kb-detail-vgl">
            {record.vglId}
          </span>
          <SeverityChip severity={record.severity} score={record.cvssScore} version={record.cvssVersion} />
          {record.kevListed ? <KevBadge ransomware={/^known$/i.test(record.kev?.knownRansomwareCampaignUse ?? '')} title="In the CISA KEV catalog" /> : null}
        </div>
        <p className="kb-detail-title" data-testid="kb-detail-title">
          {record.title || <span className="ui-muted">No title</span>}
        </p>
        <dl className="kb-detail-meta">
          <Fact label="Published" testId="kb-detail-published">
            {formatDay(record.published)}
          </Fact>
          <Fact label="Modified">{formatDay(record.modified)}</Fact>
          <Fact label="Status">{record.status ?? '—'}</Fact>
          <Fact label="CVSS" testId="kb-detail-cvss">
            {record.cvssScore !== null ? (
              <>
                {formatScore(record.cvssScore)} <span className="ui-muted">v{record.cvssVersion}</span>
              </>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="EPSS">{record.epss ? `${formatEpss(record.epss.score)} · ${formatPercentile(record.epss.percentile)}` : '—'}</Fact>
          <Fact label="Updated in KB">{formatUtcMinute(record.updatedAt)}</Fact>
        </dl>
        <div className="kb-detail-aliases">
          <span className="kb-label">Aliases</span>
          {record.aliases.length > 0 ? (
            <ul className="kb-alias-list" data-testid="kb-detail-aliases">
              {record.aliases.map((alias) => (
                <li key={alias}>
                  <Link href={`/kb?q=${encodeURIComponent(alias)}`} prefetch={false} className="kb-alias" title={`Records named ${alias}`}>
                    {alias}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <span className="ui-muted">none</span>
          )}
        </div>
      </header>

      <div className="kb-detail-grid">
        <div className="kb-detail-main">
          <Card
            title="Description"
            id="kb-description"
            testId="kb-description"
            actions={record.fieldSources.description ? <SourceTag source={record.fieldSources.description} /> : undefined}
          >
            <p className="kb-prose kb-pad" data-testid="kb-description-text">
              {record.description || <span className="ui-muted">No description.</span>}
            </p>
          </Card>

          <Card
            title="Affected packages and products"
            id="kb-affected-title"
            testId="kb-affected-card"
            actions={<span className="ui-muted ui-small">{record.affected.length} statements</span>}
          >
            <AffectedPackages affected={record.affected} />
          </Card>

          <Card title="References" id="kb-references" testId="kb-references" actions={<span className="ui-muted ui-small">{record.references.length}</span>}>
            {record.references.length > 0 ? (
              <ul className="kb-references">
                {record.references.map((reference) => (
                  <li key={reference.url}>
                    {isWebUrl(reference.url) ? (
                      <a href={reference.url} target="_blank" rel="noopener noreferrer nofollow">
                        {reference.url}
                      </a>
                    ) : (
                      <span className="ui-mono">{reference.url}</span>
                    )}
                    {reference.tags?.map((tag) => (
                      <span key={tag} className="kb-tag">
                        {tag}
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="ui-muted kb-pad">No references.</p>
            )}
          </Card>
        </div>

        <aside className="kb-detail-side" aria-label="Scores and provenance">
          <Card title="CVSS" id="kb-scores" testId="kb-scores" actions={record.fieldSources.cvss ? <SourceTag source={record.fieldSources.cvss} /> : undefined}>
            <CvssList record={record} />
          </Card>
          <Card title="EPSS" id="kb-epss" testId="kb-epss">
            <Epss epss={record.epss} />
          </Card>
          <Card
            title="CISA KEV"
            id="kb-kev"
            testId="kb-kev"
            actions={record.kevListed ? <KevBadge ransomware={/^known$/i.test(record.kev?.knownRansomwareCampaignUse ?? '')} /> : undefined}
          >
            <Kev kev={record.kev} />
          </Card>
          <Card title="Weaknesses" id="kb-cwe" testId="kb-cwe">
            {record.cwes.length > 0 ? (
              <ul className="kb-cwes kb-pad">
                {record.cwes.map((cwe) => {
                  const number = /^CWE-(\d+)$/.exec(cwe)?.[1];
                  return (
                    <li key={cwe}>
                      {number ? (
                        <a href={`https://cwe.mitre.org/data/definitions/${number}.html`} target="_blank" rel="noopener noreferrer">
                          {cwe}
                        </a>
                      ) : (
                        cwe
                      )}
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="ui-muted kb-pad">No CWE assigned.</p>
            )}
          </Card>
          <Card title="Provenance" id="kb-provenance-title" testId="kb-provenance-card">
            <Provenance record={record} />
          </Card>
        </aside>
      </div>
    </article>
  );
}
