import { SEVERITIES, SEVERITY_LABEL } from '../../kb/_components/kb-format';
import type { RouterOutputs } from '../../../_trpc/types';

type OpenFindings = RouterOutputs['assets']['list']['items'][number]['openFindings'];

/** Open findings per severity, most severe first; severities with none are left out. */
export function OpenFindingCounts({ counts }: { counts: OpenFindings }) {
  if (counts.total === 0) return <span className="ui-muted" data-testid="open-findings" data-total={0}>none</span>;
  return (
    <span className="ui-nowrap" data-testid="open-findings" data-total={counts.total} title={`${counts.total} open findings`}>
      {SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => (
        <span key={severity} className={`ui-sev-count kb-sev-${severity}`} data-severity={severity} aria-label={`${counts[severity]} ${SEVERITY_LABEL[severity]}`}>
          <span className="kb-sev-dot" aria-hidden="true" />
          {counts[severity]}
        </span>
      ))}
    </span>
  );
}
