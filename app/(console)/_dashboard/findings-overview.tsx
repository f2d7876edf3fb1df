import Link from 'next/link';
import { formatCount } from '../../_components/ui/format';
import { SeverityBars } from '../findings/_components/severity-bars';
import { SEVERITIES, SEVERITY_LABEL } from '../kb/_components/kb-format';
import type { DashboardOverviewData } from './dashboard-types';
import { TrendChart, type TrendSeries } from './trend-chart';

const OPEN_SERIES: TrendSeries[] = (['critical', 'high', 'medium', 'low'] as const).map((severity) => ({ key: severity, label: SEVERITY_LABEL[severity], className: `kb-sev-${severity}`, value: (point) => point.open[severity] }));
const FLOW_SERIES: TrendSeries[] = [
  { key: 'new', label: 'New', className: 'dash-new', value: (point) => point.new },
  { key: 'fixed', label: 'Fixed', className: 'dash-fixed', value: (point) => point.fixed },
  { key: 'reopened', label: 'Reopened', className: 'dash-reopened', value: (point) => point.reopened },
];

function Tile(props: { label: string; value: string; note: string; testId: string; href?: string; tone?: 'alert' }) {
  const body = (
    <>
      <span className="dash-tile-label">{props.label}</span>
      <strong className="dash-tile-value" data-testid={`${props.testId}-value`}>
        {props.value}
      </strong>
      <span className="dash-tile-note">{props.note}</span>
    </>
  );
  return (
    <div className={`dash-tile${props.tone === 'alert' ? ' is-alert' : ''}`} data-testid={props.testId}>
      {props.href ? <Link href={props.href}>{body}</Link> : body}
    </div>
  );
}

const formatHours = (hours: number | null) => (hours === null ? '—' : hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`);

/** The findings part of the dashboard: tiles, severity distribution, 90-day trends, the riskiest assets and vulnerabilities. */
export function FindingsOverview({ overview }: { overview: DashboardOverviewData }) {
  const { severity, trend, kev, sla } = overview;
  return (
    <>
      <section className="dash-tiles" aria-label="Key figures">
        <Tile label="Open findings" value={formatCount(severity.total)} note="without an approved exception" testId="dash-open" href="/findings?status=open" />
        <Tile label="KEV exposure" value={formatCount(kev.openFindings)} note={`open known-exploited, on ${formatCount(kev.assetsAffected)} assets`} testId="dash-kev" href="/findings?status=open&kev=true" tone={kev.openFindings > 0 ? 'alert' : undefined} />
        <Tile label="SLA breaches" value={formatCount(sla.breached)} note="open findings past due, at the last hourly count" testId="dash-sla" href="/findings/sla" tone={sla.breached > 0 ? 'alert' : undefined} />
        <Tile label="Mean time to remediate" value={formatHours(overview.meanTimeToRemediateHours)} note={`first seen → fixed, last ${trend.length} days`} testId="dash-mttr" />
      </section>

      <section className="ui-card" data-testid="dash-severity">
        <header className="ui-card-header">
          <h2>Open findings by severity</h2>
        </header>
        <div className="ui-card-body">
          <SeverityBars counts={SEVERITIES.map((s) => ({ severity: s, count: severity[s] }))} label="Open findings per severity" testId="dash-severity-bars" hrefOf={(s) => `/findings?status=open&severity=${s}`} />
        </div>
      </section>

      <section className="dash-pair">
        <div className="ui-card">
          <header className="ui-card-header">
            <h2>Open findings, last {trend.length} days</h2>
          </header>
          <div className="ui-card-body">
            <TrendChart points={trend} series={OPEN_SERIES} kind="line" label={`Open findings per severity over the last ${trend.length} days`} testId="dash-trend-open" />
          </div>
        </div>
        <div className="ui-card">
          <header className="ui-card-header">
            <h2>New, fixed and reopened per day</h2>
          </header>
          <div className="ui-card-body">
            <TrendChart points={trend} series={FLOW_SERIES} kind="bars" label={`Findings new, fixed and reopened per day over the last ${trend.length} days`} testId="dash-trend-flow" />
          </div>
        </div>
      </section>

      <section className="dash-pair">
        <div className="ui-card" data-testid="dash-top-assets">
          <header className="ui-card-header">
            <h2>Riskiest assets</h2>
          </header>
          <div className="ui-card-body">
            {overview.topAssets.length === 0 ? <p className="dash-empty">No asset has open findings.</p> : null}
            <ol className="dash-top">
              {overview.topAssets.map((asset) => (
                <li key={asset.id} data-testid="dash-top-asset">
                  <Link href={`/assets/${encodeURIComponent(asset.id)}`}>{asset.name}</Link>
                  <span className="dash-meter" aria-hidden="true">
                    <span style={{ width: `${asset.riskMax}%` }} />
                  </span>
                  <span className="dash-top-figure" title="total risk · worst finding’s risk · open findings">
                    {formatCount(Math.round(asset.riskTotal))} · {asset.riskMax.toFixed(1)} · {formatCount(asset.openFindings)}
                  </span>
                </li>
              ))}
            </ol>
          </div>
        </div>
        <div className="ui-card" data-testid="dash-top-vulns">
          <header className="ui-card-header">
            <h2>Most widespread vulnerabilities</h2>
          </header>
          <div className="ui-card-body">
            {overview.topVulnerabilities.length === 0 ? <p className="dash-empty">No open findings.</p> : null}
            <ol className="dash-top">
              {overview.topVulnerabilities.map((vuln) => (
                <li key={vuln.vulnId} data-testid="dash-top-vuln">
                  <span className={`kb-sev kb-sev-${vuln.severity}`} title={SEVERITY_LABEL[vuln.severity]}>
                    <span className="kb-sev-dot" aria-hidden="true" />
                  </span>
                  <Link href={`/kb/${encodeURIComponent(vuln.vulnId)}`} className="ui-mono" title={vuln.title ?? undefined}>
                    {vuln.vulnId}
                  </Link>
                  {vuln.kev ? <span className="dash-kev">KEV</span> : null}
                  <span className="dash-top-figure">{formatCount(vuln.openFindings)} open</span>
                </li>
              ))}
            </ol>
          </div>
        </div>
      </section>
    </>
  );
}
