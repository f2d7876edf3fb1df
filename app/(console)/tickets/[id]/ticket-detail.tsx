'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { findingRef } from '../../../../server/services/findings/finding-ref';
import { Dialog } from '../../../_components/ui/dialog';
import { FormActions, Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { FieldError } from '../../../_components/ui/field-error';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { formatCount, formatDateTime, formatDay, formatRelative } from '../../../_components/ui/format';
import { Pager } from '../../../_components/ui/table';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { FindingStatusBadge } from '../../findings/_components/finding-labels';
import { KevBadge, SeverityChip } from '../../kb/_components/kb-badges';
import { AssigneeOptions, endOfDay } from '../_components/ticket-create-dialog';
import { TICKET_STATUS_LABEL, TicketStatusBadge, isOverdue } from '../_components/ticket-labels';

type Ticket = RouterOutputs['tickets']['get'];
type TicketFindings = RouterOutputs['tickets']['findings'];
type HistoryEntry = RouterOutputs['tickets']['history'][number];

/** What a person may set; `reopened` is the verification's verdict (tickets-update.procedure.ts). */
const SETTABLE_STATUSES = ['open', 'in-progress', 'resolved', 'closed'] as const;
type SettableStatus = (typeof SETTABLE_STATUSES)[number];
const FINDINGS_PAGE_SIZE = 25;

/** The quick status changes offered from each status. */
const NEXT_STATUSES: Record<string, readonly { status: SettableStatus; label: string }[]> = {
  open: [
    { status: 'in-progress', label: 'Start work' },
    { status: 'resolved', label: 'Mark resolved' },
    { status: 'closed', label: 'Close' },
  ],
  'in-progress': [
    { status: 'resolved', label: 'Mark resolved' },
    { status: 'closed', label: 'Close' },
  ],
  reopened: [
    { status: 'in-progress', label: 'Start work' },
    { status: 'closed', label: 'Close' },
  ],
  resolved: [{ status: 'open', label: 'Reopen' }],
  closed: [{ status: 'open', label: 'Reopen' }],
};

const plural = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

/** One audit entry of the ticket in words. */
function describeEntry(entry: HistoryEntry): { what: string; details: string | null } {
  const d = entry.details ?? {};
  const status = (value: unknown) => TICKET_STATUS_LABEL[String(value)] ?? String(value);
  switch (entry.action) {
    case 'ticket.create':
      return { what: `Created with ${plural(Number(d.findings ?? 0), 'finding')}`, details: [d.assignee ? `assigned to ${d.assignee}` : null, d.dueAt ? `due ${formatDay(String(d.dueAt))}` : null].filter(Boolean).join(' · ') || null };
    case 'ticket.update':
      return {
        what: d.previousStatus !== d.status ? `Status ${status(d.previousStatus)} → ${status(d.status)}` : `Changed ${String(d.changed ?? '').replace(/Id\b/g, '').split(' ').join(', ')}`,
        details: [`assignee ${d.assignee ?? 'nobody'}`, d.dueAt ? `due ${formatDay(String(d.dueAt))}` : 'no due date'].join(' · '),
      };
    case 'ticket.comment':
      return { what: 'Commented', details: null };
    case 'ticket.resolve':
      return { what: 'Resolved by a scan result: every finding fixed', details: d.runId ? `run ${d.runId}` : 'KnowledgeBase re-evaluation' };
    case 'ticket.reopen':
      return { what: `Reopened by a scan result: ${plural(Number(d.remaining ?? 0), 'finding')} open again`, details: d.runId ? `run ${d.runId}` : 'KnowledgeBase re-evaluation' };
    case 'ticket.verify':
      return { what: `Verified by a scan result: ${plural(Number(d.remaining ?? 0), 'finding')} still open`, details: d.runId ? `run ${d.runId}` : 'KnowledgeBase re-evaluation' };
    default:
      return { what: entry.action, details: null };
  }
}

function Summary({ ticket, now }: { ticket: Ticket; now: number }) {
  const overdue = isOverdue(ticket, now);
  const verification = ticket.verification;
  return (
    <div className="ui-card-body">
      {ticket.description ? (
        <p className="tk-comment-text" data-testid="ticket-description">
          {ticket.description}
        </p>
      ) : null}
      <dl className="ui-facts">
        <dt>Assignee</dt>
        <dd data-testid="ticket-assignee">{ticket.assignee?.email ?? <span className="ui-muted">nobody</span>}</dd>
        <dt>Due</dt>
        <dd data-testid="ticket-due" data-overdue={overdue}>
          {ticket.dueAt ? <span className={overdue ? 'tk-overdue' : undefined}>{formatDateTime(ticket.dueAt)}</span> : <span className="ui-muted">no due date</span>}
          {overdue ? ' · overdue' : null}
        </dd>
        <dt>Findings</dt>
        <dd>
          {plural(ticket.findingIds.length, 'finding')} on {plural(ticket.assetIds.length, 'asset')} · business unit <span className="ui-mono">{ticket.businessUnitId}</span>
        </dd>
        <dt>Verification</dt>
        <dd data-testid="ticket-verification" data-remaining={verification?.remaining.length ?? ''}>
          {verification ? (
            <>
              {verification.remaining.length === 0 ? 'every finding fixed' : `${plural(verification.remaining.length, 'finding')} still open`} at the scan result of{' '}
              <span title={formatRelative(verification.at, now)}>{formatDateTime(verification.at)}</span>
              {verification.runId ? (
                <>
                  {' '}
                  (run <span className="ui-mono">{verification.runId}</span>)
                </>
              ) : (
                ' (KnowledgeBase re-evaluation)'
              )}
            </>
          ) : ticket.status === 'closed' ? (
            <span className="ui-muted">closed tickets are not verified</span>
          ) : (
            <span className="ui-muted">waiting for the next scan result of its assets</span>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          {formatDateTime(ticket.createdAt)} by {ticket.createdBy.email ?? 'the system'}
        </dd>
      </dl>
    </div>
  );
}

function EditDialog(props: { ticket: Ticket; onClose: () => void; onSaved: (ticket: Ticket) => void }) {
  const trpc = useTRPC();
  const update = useMutation(trpc.tickets.update.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const { ticket } = props;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const title = String(form.get('title') ?? '');
    const description = String(form.get('description') ?? '').trim();
    const status = String(form.get('status') ?? ticket.status);
    const assigneeId = String(form.get('assigneeId') ?? '');
    const due = String(form.get('dueAt') ?? '');
    setError(null);
    update.mutate(
      {
        id: ticket.id,
        ...(title.trim() !== ticket.title ? { title } : {}),
        ...(description !== ticket.description ? { description } : {}),
        ...(status !== ticket.status ? { status: status as SettableStatus } : {}),
        ...(assigneeId !== (ticket.assignee?.id ?? '') ? { assigneeId: assigneeId || null } : {}),
        ...(due !== (ticket.dueAt?.slice(0, 10) ?? '') ? { dueAt: endOfDay(due) ?? null } : {}),
      },
      { onSuccess: props.onSaved, onError: (cause) => setError(toUiError(cause)) },
    );
  };
  const invalid = (field: string) => (fieldError(error, field) ? true : undefined);
  const alert = error?.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? { ...error, message: 'Correct the fields marked below.' } : error;
  const statuses = (SETTABLE_STATUSES as readonly string[]).includes(ticket.status) ? SETTABLE_STATUSES : [ticket.status, ...SETTABLE_STATUSES];
  return (
    <Dialog title="Edit the ticket" description="Only what you change is saved; every change is audited and sent to the webhooks." onClose={props.onClose} testId="ticket-edit-dialog">
      <form className="ui-form" onSubmit={onSubmit} noValidate data-testid="ticket-edit-form">
        <ErrorAlert error={alert} title="The ticket was not saved." testId="ticket-edit-error" />
        <div className="ui-field">
          <label htmlFor="ticket-edit-title">Title</label>
          <input id="ticket-edit-title" name="title" className="ui-input" defaultValue={ticket.title} maxLength={200} aria-invalid={invalid('title')} aria-describedby="ticket-edit-title-error" data-testid="ticket-edit-title" />
          <FieldError error={error} field="title" id="ticket-edit-title-error" />
        </div>
        <div className="ui-field">
          <label htmlFor="ticket-edit-description">Description</label>
          <textarea id="ticket-edit-description" name="description" className="ui-textarea" rows={3} maxLength={5000} defaultValue={ticket.description} data-testid="ticket-edit-description" />
          <FieldError error={error} field="description" id="ticket-edit-description-error" />
        </div>
        <div className="ui-form-row">
          <div className="ui-field">
            <label htmlFor="ticket-edit-status">Status</label>
            <select id="ticket-edit-status" name="status" className="ui-select" defaultValue={ticket.status} data-testid="ticket-edit-status">
              {statuses.map((status) => (
                <option key={status} value={status} disabled={status === 'reopened'}>
                  {TICKET_STATUS_LABEL[status]}
                </option>
              ))}
            </select>
          </div>
          <div className="ui-field ui-field-grow">
            <label htmlFor="ticket-edit-assignee">Assignee</label>
            <select id="ticket-edit-assignee" name="assigneeId" className="ui-select" defaultValue={ticket.assignee?.id ?? ''} aria-invalid={invalid('assigneeId')} aria-describedby="ticket-edit-assigneeId-error" data-testid="ticket-edit-assignee">
              <option value="">Nobody</option>
              {ticket.assignee ? <option value={ticket.assignee.id}>{ticket.assignee.email}</option> : null}
              <AssigneeOptions exclude={ticket.assignee?.id} />
            </select>
            <FieldError error={error} field="assigneeId" id="ticket-edit-assigneeId-error" />
          </div>
          <div className="ui-field">
            <label htmlFor="ticket-edit-due">Due (end of the UTC day)</label>
            <input id="ticket-edit-due" name="dueAt" type="date" className="ui-input" defaultValue={ticket.dueAt?.slice(0, 10) ?? ''} aria-invalid={invalid('dueAt')} aria-describedby="ticket-edit-dueAt-error" data-testid="ticket-edit-due" />
            <FieldError error={error} field="dueAt" id="ticket-edit-dueAt-error" />
          </div>
        </div>
        <FormActions pending={update.isPending} label="Save" onCancel={props.onClose} testId="ticket-edit-submit" />
      </form>
    </Dialog>
  );
}

function Findings(props: { ticket: Ticket; initial: TicketFindings | null }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const input = { id: props.ticket.id, page, pageSize: FINDINGS_PAGE_SIZE };
  const query = useQuery({ ...trpc.tickets.findings.queryOptions(input), initialData: page === 1 && props.initial ? props.initial : undefined, placeholderData: keepPreviousData, retry: false });
  const remaining = new Set(props.ticket.verification?.remaining ?? []);
  return (
    <section className="card ui-card" aria-labelledby="ticket-findings-title" data-testid="ticket-findings">
      <header className="ui-card-header">
        <h2 id="ticket-findings-title">Findings</h2>
        <p className="ui-card-note">Riskiest first. A scan result that no longer sees them fixes them; when all are fixed the ticket resolves itself.</p>
      </header>
      <ErrorAlert error={query.error ? toUiError(query.error) : null} title="The findings could not be read." testId="ticket-findings-error" />
      <div className="ui-table-wrap">
        <table className="ui-table" data-testid="ticket-findings-table">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Vulnerability</th>
              <th scope="col">Asset</th>
              <th scope="col">Package</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody className={query.isPlaceholderData ? 'is-stale' : undefined}>
            {query.data?.items.map((finding) => (
              <tr key={finding.id} className={finding.status === 'fixed' ? 'is-muted' : undefined} data-testid="ticket-finding-row" data-id={finding.id} data-status={finding.status} data-remaining={remaining.has(finding.id)}>
                <td>
                  <SeverityChip severity={finding.severity} score={finding.cvss} />
                </td>
                <th scope="row">
                  <Link href={`/findings/${findingRef(finding.id)}`} className="ui-mono" data-testid="ticket-finding-link">
                    {finding.vulnId}
                  </Link>
                  {finding.kev ? <KevBadge /> : null}
                </th>
                <td>
                  <Link href={`/assets/${finding.assetId}`}>{finding.assetName || finding.assetId}</Link>
                </td>
                <td>
                  {finding.package}
                  <span className="ui-sub ui-mono">
                    {finding.installedVersion} → {finding.fixedVersion ?? 'no fix yet'}
                  </span>
                </td>
                <td>
                  <FindingStatusBadge status={finding.status} />
                  {finding.fixedAt ? <span className="ui-sub">fixed {formatDay(finding.fixedAt)}</span> : null}
                </td>
                <td className="ui-nowrap">{formatDateTime(finding.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {query.data && query.data.total > FINDINGS_PAGE_SIZE ? <Pager page={page} pageSize={FINDINGS_PAGE_SIZE} total={query.data.total} onPage={setPage} testIdPrefix="ticket-findings" /> : null}
    </section>
  );
}

function Comments(props: { ticket: Ticket; canRemediate: boolean; now: number; onCommented: (ticket: Ticket) => void }) {
  const trpc = useTRPC();
  const comment = useMutation(trpc.tickets.comment.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    setError(null);
    comment.mutate(
      { id: props.ticket.id, text: String(new FormData(formElement).get('text') ?? '') },
      {
        onSuccess: (ticket) => {
          formElement.reset();
          props.onCommented(ticket);
        },
        onError: (cause) => setError(toUiError(cause)),
      },
    );
  };
  const comments = props.ticket.comments;
  return (
    <section className="card ui-card" aria-labelledby="ticket-comments-title" data-testid="ticket-comments">
      <header className="ui-card-header">
        <h2 id="ticket-comments-title">Comments</h2>
      </header>
      <div className="ui-card-body">
        {comments.length === 0 ? <p className="ui-muted">No comments yet.</p> : null}
        <ol className="tk-comments">
          {comments.map((entry, index) => (
            <li key={`${entry.at}-${index}`} data-testid="ticket-comment">
              <span className="ui-small">
                <strong>{entry.by.email ?? 'the system'}</strong> <span className="ui-muted" title={formatDateTime(entry.at)}>{formatRelative(entry.at, props.now)}</span>
              </span>
              <p className="tk-comment-text">{entry.text}</p>
            </li>
          ))}
        </ol>
        {props.canRemediate ? (
          <form className="ui-form" onSubmit={onSubmit} noValidate aria-label="Add a comment" data-testid="ticket-comment-form">
            <ErrorAlert error={error?.fieldErrors ? null : error} title="The comment was not added." testId="ticket-comment-error" />
            <div className="ui-field">
              <label htmlFor="ticket-comment-text">Add a comment</label>
              <textarea id="ticket-comment-text" name="text" className="ui-textarea" rows={3} maxLength={2000} aria-invalid={fieldError(error, 'text') ? true : undefined} aria-describedby="ticket-comment-text-error" data-testid="ticket-comment-text" />
              <FieldError error={error} field="text" id="ticket-comment-text-error" />
            </div>
            <div className="ui-form-actions">
              <button type="submit" className="button ui-primary" disabled={comment.isPending} data-testid="ticket-comment-submit">
                {comment.isPending ? 'Adding…' : 'Add comment'}
              </button>
            </div>
          </form>
        ) : null}
      </div>
    </section>
  );
}

function History({ entries, error, now }: { entries: HistoryEntry[] | undefined; error: UiError | null; now: number }) {
  return (
    <section className="card ui-card" aria-labelledby="ticket-history-title" data-testid="ticket-history">
      <header className="ui-card-header">
        <h2 id="ticket-history-title">History</h2>
        <p className="ui-card-note">From the audit log: people’s changes and the verifications by scan results.</p>
      </header>
      <div className="ui-card-body">
        <ErrorAlert error={error} title="The history could not be read." testId="ticket-history-error" />
        <ol className="fd-timeline">
          {(entries ?? []).map((entry) => {
            const { what, details } = describeEntry(entry);
            return (
              <li key={entry.seq} data-testid="ticket-history-entry" data-action={entry.action}>
                <span className="fd-timeline-when ui-mono" title={formatRelative(entry.at, now)}>
                  {formatDateTime(entry.at)}
                </span>
                <span>
                  {what} <span className="ui-muted">— {entry.actor.type === 'system' ? 'Vigil' : (entry.actor.email ?? entry.actor.type)}</span>
                  {details ? <span className="tk-history-details">{details}</span> : null}
                </span>
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}

/** One remediation ticket: what it holds, who works on it by when, what the scans verified, comments and history. */
export function TicketDetailView(props: { initial: Ticket; initialFindings: TicketFindings | null; initialHistory: HistoryEntry[] | null; canRemediate: boolean; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = props.initial.id;
  const query = useQuery({ ...trpc.tickets.get.queryOptions({ id }), initialData: props.initial, retry: false });
  const history = useQuery({ ...trpc.tickets.history.queryOptions({ id }), initialData: props.initialHistory ?? undefined, retry: false });
  const quick = useMutation(trpc.tickets.update.mutationOptions());
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const ticket = query.data;
  const saved = (next: Ticket, text: string) => {
    setNotice({ ok: true, text });
    queryClient.setQueryData(trpc.tickets.get.queryKey({ id }), next);
    void queryClient.invalidateQueries({ queryKey: trpc.tickets.history.queryKey({ id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.tickets.list.queryKey() });
  };
  const setStatus = (status: SettableStatus) =>
    quick.mutate({ id, status }, { onSuccess: (next) => saved(next, `The ticket is ${TICKET_STATUS_LABEL[status]!.toLowerCase()}.`), onError: (cause) => setNotice({ ok: false, text: toUiError(cause).message }) });

  return (
    <div className="ui-page" data-testid="ticket" data-id={ticket.id} data-status={ticket.status}>
      <nav className="ui-small" aria-label="Breadcrumb">
        <Link href="/tickets">← All tickets</Link>
      </nav>
      <section className="card ui-card" aria-labelledby="ticket-title" data-testid="ticket-summary">
        <header className="ui-card-header">
          <h2 id="ticket-title" className="fd-title" data-testid="ticket-title">
            {ticket.title}
          </h2>
          <span className="fd-title-badges">
            <TicketStatusBadge status={ticket.status} />
          </span>
          {props.canRemediate ? (
            <div className="card-actions" data-testid="ticket-actions">
              {(NEXT_STATUSES[ticket.status] ?? []).map((next) => (
                <button key={next.status} type="button" className="button" disabled={quick.isPending} onClick={() => setStatus(next.status)} data-testid={`ticket-set-${next.status}`}>
                  {next.label}
                </button>
              ))}
              <button type="button" className="button ui-primary" onClick={() => setEditing(true)} data-testid="ticket-edit-open">
                Edit…
              </button>
            </div>
          ) : null}
        </header>
        <Summary ticket={ticket} now={props.now} />
      </section>
      <Notice notice={notice} testId="ticket-notice" />
      <Findings ticket={ticket} initial={props.initialFindings} />
      <div className="ui-grid-2">
        <Comments ticket={ticket} canRemediate={props.canRemediate} now={props.now} onCommented={(next) => saved(next, 'Comment added.')} />
        <History entries={history.data} error={history.error ? toUiError(history.error) : null} now={props.now} />
      </div>
      {editing ? (
        <EditDialog
          ticket={ticket}
          onClose={() => setEditing(false)}
          onSaved={(next) => {
            setEditing(false);
            saved(next, 'The ticket is saved.');
          }}
        />
      ) : null}
    </div>
  );
}
