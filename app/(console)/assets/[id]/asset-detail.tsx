'use client';

import Link from 'next/link';
import { Fragment, useMemo, useState } from 'react';
import { Badge } from '../../../_components/ui/badges';
import { formatCount, formatDateTime } from '../../../_components/ui/format';
import { Pager } from '../../../_components/ui/table';
import type { RouterOutputs } from '../../../_trpc/types';
import { KevBadge, SeverityChip, SourceTag } from '../../kb/_components/kb-badges';
import { formatEpss } from '../../kb/_components/kb-format';
import { OpenFindingCounts } from '../_components/open-findings';

type Asset = RouterOutputs['assets']['get'];
type Service = Asset['services'][number];

function HostKeyAlert({ alert }: { alert: NonNullable<Asset['hostKeyAlert']> }) {
  return (
    <div className="alert alert-error" role="alert" data-testid="asset-hostkey-banner">
      <div className="alert-title">The SSH host key changed — the scanner did not log in.</div>
      <p className="alert-message">
        On {formatDateTime(alert.at)} the host presented <code>{alert.presented ?? 'no key'}</code>; the known key{alert.expected.length === 1 ? ' is' : 's are'}{' '}
        {alert.expected.map((key, index) => (
          <Fragment key={key}>
            {index > 0 ? ', ' : ''}
            <code>{key}</code>
          </Fragment>
        ))}
        . Check whether the host was reinstalled or is being impersonated before trusting the new key.
      </p>
    </div>
  );
}

function Facts({ asset }: { asset: Asset }) {
  const os = asset.os ? [asset.os.name, asset.os.version, asset.os.codename ? `(${asset.os.codename})` : ''].filter(Boolean).join(' ') : null;
  return (
    <section className="card ui-card" aria-labelledby="asset-title" data-testid="asset-summary">
      <header className="ui-card-header">
        <h2 id="asset-title" data-testid="asset-name">
          {asset.name}
        </h2>
        <p className="ui-card-note">
          {asset.openFindings.total === 0 ? (
            'No open finding.'
          ) : (
            <>
              <OpenFindingCounts counts={asset.openFindings} /> <span className="ui-muted">open findings</span>
            </>
          )}
        </p>
      </header>
      <div className="ui-card-body">
        <dl className="ui-facts">
          <dt>Addresses</dt>
          <dd className="ui-mono" data-testid="asset-addresses">
            {asset.addresses.join(', ') || '—'}
          </dd>
          <dt>Host names</dt>
          <dd>{asset.hostnames.join(', ') || '—'}</dd>
          <dt>Operating system</dt>
          <dd>{os ?? <span className="ui-muted">unknown (an authenticated inventory tells)</span>}</dd>
          <dt>Kernel</dt>
          <dd className="ui-mono">{asset.kernel ?? '—'}</dd>
          <dt>MAC addresses</dt>
          <dd className="ui-mono">{asset.macs.join(', ') || '—'}</dd>
          <dt>SSH host keys</dt>
          <dd className="ui-mono">
            {asset.sshHostKeys.length === 0
              ? '—'
              : asset.sshHostKeys.map((key) => (
                  <span key={key.fingerprint} className="ui-line">
                    {key.algorithm} {key.fingerprint}
                  </span>
                ))}
          </dd>
          <dt>Seen</dt>
          <dd>
            first {formatDateTime(asset.firstSeenAt)}, last {formatDateTime(asset.lastSeenAt)}
          </dd>
          <dt>Inventory</dt>
          <dd>{asset.inventoryAt ? `${formatCount(asset.packageCount)} packages, taken ${formatDateTime(asset.inventoryAt)}` : <span className="ui-muted">none yet</span>}</dd>
          <dt>Last scan run</dt>
          <dd>
            {asset.lastScanRunId ? (
              <Link href={`/scans/runs/${asset.lastScanRunId}`} data-testid="asset-last-run">
                Progress and hosts of that run
              </Link>
            ) : (
              '—'
            )}
          </dd>
        </dl>
      </div>
    </section>
  );
}

function TlsCell({ tls }: { tls: Service['tls'] }) {
  if (!tls) return <span className="ui-muted">—</span>;
  return (
    <>
      <span title={`Issuer: ${tls.issuer}`}>{tls.subject}</span>
      <span className="ui-sub">
        {tls.protocols.join(', ') || 'TLS'} · valid until {formatDateTime(tls.notAfter)}
      </span>
      {tls.fingerprint256 ? <span className="ui-sub ui-mono">{tls.fingerprint256}</span> : null}
    </>
  );
}

function Services({ services }: { services: Asset['services'] }) {
  return (
    <section className="card ui-card" aria-labelledby="asset-services-title" data-testid="asset-services">
      <header className="ui-card-header">
        <h2 id="asset-services-title">{formatCount(services.length)} open {services.length === 1 ? 'port' : 'ports'}</h2>
        <p className="ui-card-note">What answered, recognised from its banner, TLS handshake and HTTP response.</p>
      </header>
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="asset-services-table">
          <thead>
            <tr>
              <th scope="col" className="ui-num">
                Port
              </th>
              <th scope="col">Service</th>
              <th scope="col">Product</th>
              <th scope="col">HTTP</th>
              <th scope="col">TLS certificate</th>
              <th scope="col">CPE</th>
            </tr>
          </thead>
          <tbody>
            {services.map((service) => (
              <tr key={`${service.proto}:${service.port}`} data-testid="asset-service-row" data-port={service.port} data-name={service.name}>
                <td className="ui-num ui-mono">
                  {service.port}/{service.proto}
                </td>
                <td data-testid="asset-service-name">{service.name}</td>
                <td>{service.product ? `${service.product}${service.version ? ` ${service.version}` : ''}` : <span className="ui-muted">—</span>}</td>
                <td data-testid="asset-service-http">
                  {service.http ? (
                    <>
                      <Badge tone={service.http.status < 400 ? 'ok' : 'warn'}>{service.http.status}</Badge> {service.http.title ?? <span className="ui-muted">no title</span>}
                      {service.http.server ? <span className="ui-sub">Server: {service.http.server}</span> : null}
                    </>
                  ) : (
                    <span className="ui-muted">—</span>
                  )}
                </td>
                <td>
                  <TlsCell tls={service.tls} />
                </td>
                <td className="ui-mono ui-small">{service.cpe ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {services.length === 0 ? (
          <div className="ui-empty">
            <strong>No open port found.</strong>
            <span>The last scan saw the host but none of the ports it probed answered.</span>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function Findings({ findings }: { findings: Asset['findings'] }) {
  const open = findings.filter((finding) => finding.status !== 'fixed').length;
  return (
    <section className="card ui-card" aria-labelledby="asset-findings-title" data-testid="asset-findings">
      <header className="ui-card-header">
        <h2 id="asset-findings-title">
          {formatCount(findings.length)} {findings.length === 1 ? 'finding' : 'findings'}
        </h2>
        <p className="ui-card-note">{formatCount(open)} open. Each with its evidence: the installed version, the fixed one, and the KB rule and source that matched.</p>
      </header>
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="asset-findings-table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Vulnerability</th>
              <th scope="col">Package</th>
              <th scope="col">Installed → fixed</th>
              <th scope="col">Evidence</th>
              <th scope="col">Seen</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((finding) => (
              <tr key={finding.id} className={finding.status === 'fixed' ? 'is-muted' : undefined} data-testid="asset-finding-row" data-vuln={finding.vulnId} data-status={finding.status}>
                <td>
                  <SeverityChip severity={finding.severity} score={finding.cvss} />
                </td>
                <td>
                  <Link href={`/kb/${encodeURIComponent(finding.vulnId)}`} className="ui-mono" data-testid="asset-finding-kb">
                    {finding.vulnId}
                  </Link>
                  {finding.kev ? <KevBadge /> : null}
                  <span className="ui-sub">
                    {finding.cves.filter((cve) => cve !== finding.vulnId).join(', ')}
                    {finding.epss !== null ? ` EPSS ${formatEpss(finding.epss)}` : ''}
                  </span>
                </td>
                <td>
                  {finding.package}
                  {finding.port !== null ? <span className="ui-sub">port {finding.port}</span> : null}
                  {finding.sourcePackage && finding.sourcePackage !== finding.package ? <span className="ui-sub">source {finding.sourcePackage}</span> : null}
                </td>
                <td className="ui-mono" data-testid="asset-finding-versions">
                  {finding.installedVersion} →{' '}
                  {finding.fixedVersion ?? (
                    <Badge tone="warn" title="The vendor has not published a fixed version">
                      no fix yet
                    </Badge>
                  )}
                </td>
                <td>
                  <SourceTag source={finding.source} /> <Badge tone={finding.confidence === 'confirmed' ? 'ok' : undefined}>{finding.confidence}</Badge>
                  <span className="ui-sub ui-mono">{finding.rule}</span>
                </td>
                <td className="ui-nowrap">
                  {formatDateTime(finding.firstSeenAt)}
                  <span className="ui-sub">last {formatDateTime(finding.lastSeenAt)}</span>
                </td>
                <td>
                  {finding.status !== 'fixed' ? <Badge tone="danger">{finding.status}</Badge> : <Badge tone="ok">fixed</Badge>}
                  {finding.fixedAt ? <span className="ui-sub">{formatDateTime(finding.fixedAt)}</span> : null}
                  {finding.reopenedAt ? <span className="ui-sub">reopened {formatDateTime(finding.reopenedAt)}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {findings.length === 0 ? (
          <div className="ui-empty" data-testid="asset-findings-empty">
            <strong>No finding.</strong>
            <span>Nothing the KnowledgeBase knows matches this host’s services or packages.</span>
          </div>
        ) : null}
      </div>
    </section>
  );
}

const PACKAGE_PAGE_SIZES = [25, 50, 100] as const;

/** Packages arrive whole with the asset; filtering and paging them here costs no round trip. */
function Packages({ packages }: { packages: Asset['packages'] }) {
  const [text, setText] = useState('');
  const [page, setPage] = useState(1);
  const [size, setSize] = useState<number>(PACKAGE_PAGE_SIZES[0]);
  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return needle ? packages.filter((pkg) => pkg.name.toLowerCase().includes(needle) || (pkg.source ?? '').toLowerCase().includes(needle)) : packages;
  }, [packages, text]);
  const current = Math.min(page, Math.max(1, Math.ceil(rows.length / size)));
  return (
    <section className="card ui-card" aria-labelledby="asset-packages-title" data-testid="asset-packages">
      <header className="ui-card-header">
        <h2 id="asset-packages-title">
          {formatCount(packages.length)} {packages.length === 1 ? 'package' : 'packages'}
        </h2>
        {packages.length > 0 ? (
          <input
            type="search"
            className="ui-input"
            placeholder="Filter by name"
            aria-label="Filter packages by name"
            value={text}
            onChange={(event) => {
              setText(event.currentTarget.value);
              setPage(1);
            }}
            data-testid="asset-packages-filter"
          />
        ) : null}
      </header>
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="asset-packages-table">
          <thead>
            <tr>
              <th scope="col">Package</th>
              <th scope="col">Version</th>
              <th scope="col">Source package</th>
              <th scope="col">Architecture</th>
              <th scope="col">Ecosystem</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice((current - 1) * size, current * size).map((pkg) => (
              <tr key={`${pkg.ecosystem}:${pkg.name}:${pkg.arch ?? ''}:${pkg.version}`}>
                <td>{pkg.name}</td>
                <td className="ui-mono">{pkg.version}</td>
                <td className="ui-mono">{pkg.source ? `${pkg.source}${pkg.sourceVersion && pkg.sourceVersion !== pkg.version ? ` ${pkg.sourceVersion}` : ''}` : '—'}</td>
                <td>{pkg.arch ?? '—'}</td>
                <td>{pkg.ecosystem}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? (
          <div className="ui-empty">
            <strong>{packages.length === 0 ? 'No package inventory.' : 'No package matches.'}</strong>
            <span>{packages.length === 0 ? 'Scan the host with a credential (authenticated inventory) to list its packages.' : 'Change the filter.'}</span>
          </div>
        ) : null}
      </div>
      {rows.length > 0 ? (
        <Pager
          page={current}
          pageSize={size}
          total={rows.length}
          onPage={setPage}
          onPageSize={(next) => {
            setSize(next);
            setPage(1);
          }}
          sizes={PACKAGE_PAGE_SIZES}
          testIdPrefix="asset-packages"
        />
      ) : null}
    </section>
  );
}

/** One asset: facts, open ports with TLS/HTTP details, findings with their evidence, packages. */
export function AssetDetailView({ asset }: { asset: Asset }) {
  return (
    <div className="ui-page" data-testid="asset">
      <nav className="ui-small" aria-label="Breadcrumb">
        <Link href="/assets">← All assets</Link>
      </nav>
      {asset.hostKeyAlert ? <HostKeyAlert alert={asset.hostKeyAlert} /> : null}
      <Facts asset={asset} />
      <Services services={asset.services} />
      <Findings findings={asset.findings} />
      <Packages packages={asset.packages} />
    </div>
  );
}
