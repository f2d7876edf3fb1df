import { SEVERITY_LABEL, formatScore, sourceLabel } from './kb-format';
import type { KbSeverity } from './kb-types';

/** Severity as a coloured chip, with the CVSS score it comes from when there is one. */
export function SeverityChip({ severity, score, version }: { severity: KbSeverity; score?: number | null; version?: string | null }) {
  const label = SEVERITY_LABEL[severity];
  const hasScore = score !== null && score !== undefined;
  return (
    <span
      className={`kb-sev kb-sev-${severity}`}
      data-testid="severity-chip"
      data-severity={severity}
      aria-label={hasScore ? `${label}, CVSS ${version ? `v${version} ` : ''}${formatScore(score)}` : label}
    >
      <span className="kb-sev-label" aria-hidden="true">
        {label}
      </span>
      {hasScore ? (
        <span className="kb-sev-score" aria-hidden="true">
          {formatScore(score)}
        </span>
      ) : null}
    </span>
  );
}

export function KevBadge({ ransomware, title }: { ransomware?: boolean; title?: string }) {
  return (
    <span className="kb-kev" title={title} data-testid="kev-badge">
      KEV
      {ransomware ? (
        <span className="kb-kev-ransomware" title="Known ransomware campaign use">
          ransomware
        </span>
      ) : null}
    </span>
  );
}

/** Which upstream source a value came from. */
export function SourceTag({ source, title }: { source: string; title?: string }) {
  return (
    <span className={`kb-src kb-src-${source}`} title={title ?? `Source: ${sourceLabel(source)}`} data-source={source}>
      {sourceLabel(source)}
    </span>
  );
}

const STATUS_TITLE: Record<string, string> = {
  fixed: 'A fixed version exists',
  unfixed: 'Affected, no fixed version yet',
  'not-affected': 'This package or release is not affected',
  vulnerable: 'Vulnerable product (NVD configuration)',
  platform: 'A platform the NVD configuration requires; not itself vulnerable',
};

export function StatusTag({ status }: { status: string }) {
  const label = status === 'not-affected' ? 'not affected' : status;
  return (
    <span className={`kb-status kb-status-${status}`} data-status={status} title={STATUS_TITLE[status]}>
      {label}
    </span>
  );
}
