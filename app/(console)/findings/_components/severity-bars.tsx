import Link from 'next/link';
import { formatCount } from '../../../_components/ui/format';
import { SEVERITY_LABEL } from '../../kb/_components/kb-format';
import type { KbSeverity } from '../../kb/_components/kb-types';

/**
 * How a set of findings spreads over severities: one stacked bar (widths to scale) and its legend, each severity a
 * link (e.g. to the list filtered by it). Severities with none are left out of the bar, kept in the legend.
 */
export function SeverityBars(props: { counts: readonly { severity: KbSeverity; count: number }[]; hrefOf?: (severity: KbSeverity) => string; label: string; testId: string }) {
  const total = props.counts.reduce((sum, row) => sum + row.count, 0);
  return (
    <figure className="fd-bars" data-testid={props.testId} data-total={total}>
      <div className="fd-bars-track" role="img" aria-label={`${props.label}: ${props.counts.map((row) => `${row.count} ${SEVERITY_LABEL[row.severity]}`).join(', ')}`}>
        {total === 0 ? <span className="fd-bars-empty">none</span> : null}
        {props.counts
          .filter((row) => row.count > 0)
          .map((row) => (
            <span key={row.severity} className={`fd-bars-seg kb-sev-${row.severity}`} style={{ flexGrow: row.count }} title={`${row.count} ${SEVERITY_LABEL[row.severity]}`} />
          ))}
      </div>
      <figcaption className="fd-bars-legend">
        {props.counts.map((row) => {
          const content = (
            <>
              <span className="kb-sev-dot" aria-hidden="true" />
              {SEVERITY_LABEL[row.severity]} <strong>{formatCount(row.count)}</strong>
            </>
          );
          return (
            <span key={row.severity} className={`fd-bars-key kb-sev-${row.severity}${row.count === 0 ? ' is-zero' : ''}`} data-severity={row.severity} data-count={row.count}>
              {props.hrefOf && row.count > 0 ? <Link href={props.hrefOf(row.severity)}>{content}</Link> : content}
            </span>
          );
        })}
      </figcaption>
    </figure>
  );
}
