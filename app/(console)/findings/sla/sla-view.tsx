import Link from 'next/link';
import { findingRef } from '../../../../server/services/findings/finding-ref';
import { formatCount, formatDateTime, formatRelative } from '../../../_components/ui/format';
import type { RouterOutputs } from '../../../_trpc/types';
import { SeverityChip } from '../../kb/_components/kb-badges';
import { SLA_LABEL } from '../_components/finding-labels';
import { SeverityBars } from '../_components/severity-bars';

type Sla = RouterOutputs['findings']['sla'];

const STATES = ['breached', 'due-soon', 'ok'] as const;

/** Open findings without an approved exception, per severity and SLA state, and the breached ones, most overdue first. */
export function SlaView({ sla, now }: { sla: Sla; now: number }) {
  const total = (state: (typeof STATES)[number]) => sla.counts.reduce((sum, row) => sum + row[state], 0);
  const rows = sla.counts.filter((row) => row.severity !== 'none' || STATES.some((state) => row[state] > 0));
  return (
    <>
      <div className="ui-grid-2">
        <section className="card ui-card" aria-labelledby="sla-matrix-title" data-testid="sla-matrix">
          <header className="ui-card-header">
            <h2 id="sla-matrix-title">SLA state per severity</h2>
            <p className="ui-card-note">Open findings without an approved exception, on {formatDateTime(sla.at)}. A number opens them.</p>
          </header>
          <div className="ui-table-wrap">
            <table className="ui-table ui-matrix">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Deadline</th>
                  {STATES.map((state) => (
                    <th key={state} scope="col">
                      {SLA_LABEL[state]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.severity} data-testid="sla-row" data-severity={row.severity}>
                    <td>
                      <SeverityChip severity={row.severity} />
                    </td>
                    <td className="ui-muted">{row.severity === 'none' ? 'none' : `${sla.policy.days[row.severity === 'unknown' ? 'medium' : row.severity]} days`}</td>
                    {STATES.map((state) => (
                      <td key={state} className={row[state] > 0 ? `fd-cell fd-cell-${state}` : 'fd-cell'} data-state={state} data-count={row[state]}>
                        {row[state] > 0 ? <Link href={`/findings?severity=${row.severity}&sla=${state}&sort=slaDueAt&dir=asc`}>{formatCount(row[state])}</Link> : <span className="ui-muted">0</span>}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    All
                  </th>
                  {STATES.map((state) => (
                    <td key={state} className="fd-cell" data-testid={`sla-total-${state}`}>
                      <strong>{formatCount(total(state))}</strong>
                    </td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
        </section>
        <section className="card ui-card" aria-labelledby="sla-dist-title">
          <header className="ui-card-header">
            <h2 id="sla-dist-title">Where they stand</h2>
            <p className="ui-card-note">
              Deadlines count from first seen; a CISA KEV due date applies when earlier. Due soon: within {sla.policy.dueSoonDays} {sla.policy.dueSoonDays === 1 ? 'day' : 'days'}.
            </p>
          </header>
          <div className="ui-card-body fd-sla-bars">
            {STATES.map((state) => (
              <div key={state} className="fd-sla-bar">
                <span className="kb-stat-label">
                  {SLA_LABEL[state]} · {formatCount(total(state))}
                </span>
                <SeverityBars counts={sla.counts.map((row) => ({ severity: row.severity, count: row[state] }))} label={`${SLA_LABEL[state]} per severity`} testId={`sla-bars-${state}`} />
              </div>
            ))}
          </div>
        </section>
      </div>
      <section className="card ui-card" aria-labelledby="sla-breached-title" data-testid="sla-breached">
        <header className="ui-card-header">
          <h2 id="sla-breached-title">
            <span data-testid="sla-breached-total">{formatCount(sla.breached.total)}</span> breached
          </h2>
          <p className="ui-card-note">Most overdue first{sla.breached.total > sla.breached.items.length ? `; the first ${sla.breached.items.length} — the list filtered by SLA has them all` : ''}.</p>
        </header>
        <div className="ui-table-wrap">
          <table className="ui-table">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Vulnerability</th>
                <th scope="col">Asset</th>
                <th scope="col">Package</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {sla.breached.items.map((finding) => (
                <tr key={finding.id} data-testid="sla-breached-row">
                  <td>
                    <SeverityChip severity={finding.severity} score={finding.cvss} />
                  </td>
                  <td>
                    <Link href={`/findings/${findingRef(finding.id)}`} className="ui-mono">
                      {finding.vulnId}
                    </Link>
                  </td>
                  <td>
                    <Link href={`/assets/${finding.assetId}`}>{finding.assetName || finding.assetId}</Link>
                  </td>
                  <td>{finding.package}</td>
                  <td className="ui-nowrap">
                    {formatDateTime(finding.slaDueAt).slice(0, 10)} <span className="ui-sub">{formatRelative(finding.slaDueAt, now)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {sla.breached.items.length === 0 ? (
            <div className="ui-empty" data-testid="sla-breached-empty">
              <strong>Nothing is overdue.</strong>
              <span>Every open finding is within its deadline, or covered by an approved exception.</span>
            </div>
          ) : null}
        </div>
      </section>
    </>
  );
}
