import { Badge } from '../../../_components/ui/badges';
import { formatDateTime, formatDay } from '../../../_components/ui/format';

type Tone = 'ok' | 'warn' | 'danger' | 'accent' | undefined;

const STATUS_TONE: Record<string, Tone> = { new: 'danger', active: 'danger', reopened: 'danger', fixed: 'ok' };

/** A lifecycle status: new, active, reopened (open, red) or fixed (green). */
export function FindingStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="finding-status" data-status={status}>
      <Badge tone={STATUS_TONE[status]}>{status}</Badge>
    </span>
  );
}

const SLA_TONE: Record<string, Tone> = { breached: 'danger', 'due-soon': 'warn', ok: 'ok' };
export const SLA_LABEL: Record<string, string> = { breached: 'breached', 'due-soon': 'due soon', ok: 'on time' };

/** The SLA state with its due day; no state when no SLA runs (fixed, or covered by an exception). */
export function SlaBadge({ state, dueAt }: { state: string | null; dueAt: string | null }) {
  if (!state) return <span className="ui-muted">{dueAt ? `due ${formatDay(dueAt)}` : '—'}</span>;
  return (
    <span className="ui-nowrap" data-testid="finding-sla" data-sla={state}>
      <Badge tone={SLA_TONE[state]} title={dueAt ? `Due ${formatDay(dueAt)}` : 'No deadline'}>
        {SLA_LABEL[state] ?? state}
      </Badge>
      {dueAt ? <span className="ui-sub">due {formatDay(dueAt)}</span> : null}
    </span>
  );
}

export const EXCEPTION_STATE_LABEL: Record<string, string> = { 'risk-accepted': 'risk accepted', 'false-positive': 'false positive' };
export const EXCEPTION_KIND_LABEL: Record<string, string> = { 'risk-acceptance': 'Risk acceptance', 'false-positive': 'False positive' };
const EXCEPTION_STATUS_TONE: Record<string, Tone> = { requested: 'warn', approved: 'accent', rejected: 'danger', expired: undefined, revoked: undefined };

/** An approved exception's overlay on a finding. */
export function ExceptionStateBadge({ state, expiresAt }: { state: string | null; expiresAt?: string | null }) {
  if (!state) return null;
  return (
    <span data-testid="finding-exception-state" data-state={state}>
      <Badge tone="accent" title={expiresAt ? `Until ${formatDay(expiresAt)}` : 'Until revoked'}>
        {EXCEPTION_STATE_LABEL[state] ?? state}
      </Badge>
    </span>
  );
}

/** An exception's own state: requested, approved, rejected, expired, revoked. */
export function ExceptionStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="exception-status" data-status={status}>
      <Badge tone={EXCEPTION_STATUS_TONE[status]}>{status}</Badge>
    </span>
  );
}

/** Risk 0–100 with a bar, coloured by its bucket (the severity colours). */
export function RiskScore({ score, bucket }: { score: number; bucket: string }) {
  return (
    <span className={`fd-risk kb-sev-${bucket}`} title={`Risk ${score} of 100 (${bucket})`} data-testid="finding-risk" data-risk={score}>
      <span className="fd-risk-value">{score.toFixed(1)}</span>
      <span className="fd-risk-bar" aria-hidden="true">
        <span style={{ width: `${Math.max(2, Math.min(100, score))}%` }} />
      </span>
    </span>
  );
}

/** Who did something to an exception, and when (with their note, if any); an em dash when nobody did. */
export function PersonAt(props: { person: { id: string; email: string | null } | null; at: string | null; note?: string | null }) {
  if (!props.person) return <span className="ui-muted">{props.at ? formatDay(props.at) : '—'}</span>;
  return (
    <>
      {props.person.email ?? props.person.id}
      <span className="ui-sub">{formatDateTime(props.at)}</span>
      {props.note ? <span className="ui-sub">“{props.note}”</span> : null}
    </>
  );
}
