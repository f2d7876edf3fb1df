'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { findingRef } from '../../../../server/services/findings/finding-ref';
import { Badge } from '../../../_components/ui/badges';
import { Notice } from '../../../_components/ui/dialog-parts';
import { formatDateTime, formatRelative } from '../../../_components/ui/format';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { KevBadge, SeverityChip, SourceTag } from '../../kb/_components/kb-badges';
import { formatEpss } from '../../kb/_components/kb-format';
import { FindingTickets } from '../../tickets/_components/finding-tickets';
import { ExceptionActions, type ExceptionPowers } from '../_components/exception-actions';
import { ExceptionRequestDialog } from '../_components/exception-request-dialog';
import { EXCEPTION_KIND_LABEL, ExceptionStateBadge, ExceptionStatusBadge, FindingStatusBadge, PersonAt, RiskScore, SlaBadge } from '../_components/finding-labels';
import { ActionsHeader } from '../../../_components/ui/table';

type Finding = RouterOutputs['findings']['get'];

const FIXED_REASON: Record<string, string> = { 'not-seen-by-scan': 'a later scan no longer saw it', 'kb-correction': 'a KnowledgeBase correction withdrew it' };

function Evidence({ finding }: { finding: Finding }) {
  return (
    <section className="card ui-card" aria-labelledby="finding-evidence-title" data-testid="finding-evidence">
      <header className="ui-card-header">
        <h2 id="finding-evidence-title">Evidence</h2>
        <p className="ui-card-note">What the detection matched, from the latest scan of the asset.</p>
      </header>
      <div className="ui-card-body">
        <dl className="ui-facts">
          <dt>Package</dt>
          <dd data-testid="finding-package">
            {finding.package} <span className="ui-muted">({finding.ecosystem})</span>
            {finding.sourcePackage && finding.sourcePackage !== finding.package ? <span className="ui-sub">built from source package {finding.sourcePackage}</span> : null}
          </dd>
          {finding.port !== null ? (
            <>
              <dt>Port</dt>
              <dd className="ui-mono" data-testid="finding-port">
                {finding.port}/tcp
              </dd>
            </>
          ) : null}
          <dt>Installed → fixed</dt>
          <dd className="ui-mono" data-testid="finding-versions">
            {finding.installedVersion} →{' '}
            {finding.fixedVersion ?? (
              <Badge tone="warn" title="The vendor has not published a fixed version">
                no fix yet
              </Badge>
            )}
          </dd>
          <dt>Rule</dt>
          <dd className="ui-mono">{finding.rule}</dd>
          <dt>Source</dt>
          <dd>
            <SourceTag source={finding.source} /> <Badge tone={finding.confidence === 'confirmed' ? 'ok' : undefined}>{finding.confidence}</Badge>
          </dd>
          <dt>KnowledgeBase</dt>
          <dd>
            <Link href={`/kb/${encodeURIComponent(finding.vulnId)}`} data-testid="finding-kb-link">
              {finding.vulnId}
            </Link>{' '}
            <span className="ui-muted">{finding.vglId}</span>
            {finding.cves.some((cve) => cve !== finding.vulnId) ? <span className="ui-sub">also {finding.cves.filter((cve) => cve !== finding.vulnId).join(', ')}</span> : null}
          </dd>
          <dt>Exploitation</dt>
          <dd>
            {finding.kev ? <KevBadge title={finding.kevDueAt ? `CISA due date ${formatDateTime(finding.kevDueAt).slice(0, 10)}` : undefined} /> : <span className="ui-muted">not in CISA KEV</span>}
            {' · '}EPSS {finding.epss !== null ? formatEpss(finding.epss) : <span className="ui-muted">unknown</span>}
          </dd>
        </dl>
      </div>
    </section>
  );
}

function History({ finding, now }: { finding: Finding; now: number }) {
  const events = [
    { at: finding.firstSeenAt, what: 'First seen', testId: 'first-seen' },
    finding.reopenedAt ? { at: finding.reopenedAt, what: 'Reopened', testId: 'reopened' } : null,
    finding.fixedAt ? { at: finding.fixedAt, what: `Fixed — ${FIXED_REASON[finding.fixedReason ?? ''] ?? 'no longer seen'}`, testId: 'fixed' } : null,
    { at: finding.lastSeenAt, what: `Last seen (seen ${finding.timesSeen} ${finding.timesSeen === 1 ? 'time' : 'times'})`, testId: 'last-seen' },
  ]
    .filter((event): event is { at: string; what: string; testId: string } => event !== null)
    .sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section className="card ui-card" aria-labelledby="finding-history-title" data-testid="finding-history">
      <header className="ui-card-header">
        <h2 id="finding-history-title">History</h2>
      </header>
      <div className="ui-card-body">
        <ol className="fd-timeline">
          {events.map((event) => (
            <li key={event.testId} data-testid={`finding-history-${event.testId}`}>
              <span className="fd-timeline-when ui-mono" title={formatRelative(event.at, now)}>
                {formatDateTime(event.at)}
              </span>
              <span>{event.what}</span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

function Exceptions(props: { finding: Finding; powers: ExceptionPowers; onDone: (text: string) => void; onRequest: () => void }) {
  const { finding } = props;
  const canRequest = props.powers.canTriage && finding.status !== 'fixed' && !finding.exceptionId;
  return (
    <section className="card ui-card" aria-labelledby="finding-exceptions-title" data-testid="finding-exceptions">
      <header className="ui-card-header">
        <h2 id="finding-exceptions-title">Exceptions</h2>
        <p className="ui-card-note">Risk acceptances and false-positive rulings that named this finding, newest first.</p>
        {canRequest ? (
          <button type="button" className="button ui-primary" onClick={props.onRequest} data-testid="finding-request-exception">
            Request exception…
          </button>
        ) : null}
      </header>
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="finding-exceptions-table">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Justification</th>
              <th scope="col">Requested</th>
              <th scope="col">Decided</th>
              <th scope="col">Expires</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {finding.exceptions.map((exception) => (
              <tr key={exception.id} data-testid="finding-exception-row" data-status={exception.status}>
                <td>
                  {EXCEPTION_KIND_LABEL[exception.kind]}
                  {exception.findingIds.length > 1 ? <span className="ui-sub">with {exception.findingIds.length - 1} other findings</span> : null}
                </td>
                <td>
                  <ExceptionStatusBadge status={exception.status} />
                </td>
                <td className="fd-justification">{exception.justification}</td>
                <td className="ui-nowrap">
                  <PersonAt person={exception.requestedBy} at={exception.requestedAt} />
                </td>
                <td className="ui-nowrap">
                  <PersonAt person={exception.decidedBy} at={exception.decidedAt} note={exception.decisionNote} />
                </td>
                <td className="ui-nowrap">{exception.expiresAt ? formatDateTime(exception.expiresAt).slice(0, 10) : <span className="ui-muted">until revoked</span>}</td>
                <td className="ui-actions">
                  <ExceptionActions exception={exception} powers={props.powers} onDone={props.onDone} testIdPrefix="finding-exception" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {finding.exceptions.length === 0 ? (
          <div className="ui-empty" data-testid="finding-exceptions-empty">
            <strong>No exception.</strong>
            <span>{finding.status === 'fixed' ? 'The finding is fixed.' : 'It counts in open findings, risk and SLA.'}</span>
          </div>
        ) : null}
      </div>
    </section>
  );
}

/** One finding: what it is, where, its evidence, risk and SLA, its history and its exceptions. */
export function FindingDetailView(props: { initial: Finding; powers: ExceptionPowers; canRemediate: boolean; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ref = findingRef(props.initial.id);
  const query = useQuery({ ...trpc.findings.get.queryOptions({ id: ref }), initialData: props.initial, retry: false });
  const finding = query.data;
  const [requesting, setRequesting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = (text: string) => {
    setNotice(text);
    void queryClient.invalidateQueries({ queryKey: trpc.findings.get.queryKey({ id: ref }) });
  };
  return (
    <div className="ui-page" data-testid="finding" data-id={finding.id} data-status={finding.status}>
      <nav className="ui-small" aria-label="Breadcrumb">
        <Link href="/findings">← All findings</Link> · <Link href={`/findings?asset=${encodeURIComponent(finding.assetId)}&status=all`}>findings of {finding.asset.name || 'this asset'}</Link>
      </nav>
      <section className="card ui-card" aria-labelledby="finding-title" data-testid="finding-summary">
        <header className="ui-card-header">
          <h2 id="finding-title" className="fd-title">
            <SeverityChip severity={finding.severity} score={finding.cvss} />
            <span className="ui-mono" data-testid="finding-vuln">
              {finding.vulnId}
            </span>
            {finding.kev ? <KevBadge /> : null}
            <span className="ui-muted">in</span> {finding.package}
            <span className="ui-muted">on</span>
            <Link href={`/assets/${finding.assetId}`} data-testid="finding-asset">
              {finding.asset.name || finding.assetId}
            </Link>
          </h2>
          <span className="fd-title-badges">
            <FindingStatusBadge status={finding.status} /> <ExceptionStateBadge state={finding.exceptionState} expiresAt={finding.exceptionExpiresAt} />
          </span>
        </header>
        <div className="ui-card-body fd-stats">
          <div className="kb-stat">
            <span className="kb-stat-label">Risk</span>
            <RiskScore score={finding.riskScore} bucket={finding.riskBucket} />
          </div>
          <div className="kb-stat">
            <span className="kb-stat-label">SLA</span>
            {finding.slaState ? <SlaBadge state={finding.slaState} dueAt={finding.slaDueAt} /> : <span className="ui-muted">{finding.exceptionState ? 'paused by the exception' : finding.status === 'fixed' ? 'fixed' : 'no deadline'}</span>}
          </div>
          <div className="kb-stat">
            <span className="kb-stat-label">Addresses</span>
            <span className="ui-mono" data-testid="finding-addresses">
              {finding.asset.addresses.join(', ') || '—'}
            </span>
          </div>
          <div className="kb-stat">
            <span className="kb-stat-label">Exception</span>
            <span>{finding.exceptionState ? `${finding.exceptionState === 'risk-accepted' ? 'risk accepted' : 'false positive'}${finding.exceptionExpiresAt ? ` until ${formatDateTime(finding.exceptionExpiresAt).slice(0, 10)}` : ''}` : finding.exceptionId ? 'requested, waiting for approval' : 'none'}</span>
          </div>
        </div>
      </section>
      <Notice notice={notice} testId="finding-notice" />
      <div className="ui-grid-2">
        <Evidence finding={finding} />
        <History finding={finding} now={props.now} />
      </div>
      <Exceptions finding={finding} powers={props.powers} onDone={refresh} onRequest={() => setRequesting(true)} />
      <FindingTickets finding={{ id: finding.id, vulnId: finding.vulnId, status: finding.status, assetName: finding.asset.name }} canRemediate={props.canRemediate} now={props.now} />
      {requesting ? (
        <ExceptionRequestDialog
          findingIds={[finding.id]}
          onClose={() => setRequesting(false)}
          onRequested={() => {
            setRequesting(false);
            refresh('Exception requested; it waits for an approver.');
          }}
        />
      ) : null}
    </div>
  );
}
