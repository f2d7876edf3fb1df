'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '../../../_components/ui/badges';
import { ConfirmDialog, Notice } from '../../../_components/ui/dialog-parts';
import { ErrorAlert } from '../../../_components/ui/error-alert';
import { FieldError } from '../../../_components/ui/field-error';
import { fieldError, toUiError, type UiError } from '../../../_components/ui/errors';
import { formatDateTime, formatRelative } from '../../../_components/ui/format';
import { SecretOnce } from '../../../_components/ui/secret-once';
import { unitOptions, unitPaths, type UnitLike } from '../../../_components/ui/units';
import { useTRPC } from '../../../_trpc/client';
import type { RouterOutputs } from '../../../_trpc/types';
import { ActionsHeader } from '../../../_components/ui/table';

type Webhook = RouterOutputs['webhooks']['list'][number];
type Delivery = RouterOutputs['webhooks']['deliveries'][number];

/** The events a webhook can take (webhook.model.ts), grouped as the form shows them. */
const EVENTS = [
  { event: 'ticket.created', label: 'Ticket created' },
  { event: 'ticket.updated', label: 'Ticket updated' },
  { event: 'ticket.resolved', label: 'Ticket resolved' },
  { event: 'ticket.reopened', label: 'Ticket reopened' },
  { event: 'finding.new', label: 'Finding new' },
  { event: 'finding.fixed', label: 'Finding fixed' },
  { event: 'finding.reopened', label: 'Finding reopened' },
] as const;
type WebhookEvent = (typeof EVENTS)[number]['event'];

const DELIVERY_TONE: Record<string, 'ok' | 'warn' | 'danger' | undefined> = { delivered: 'ok', pending: 'warn', failed: 'danger' };

function CreateForm(props: { units: UnitLike[]; onCreated: (result: { webhook: Webhook; secret: string }) => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.webhooks.create.mutationOptions());
  const [error, setError] = useState<UiError | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const unit = String(form.get('businessUnitId') ?? '');
    setError(null);
    create.mutate(
      { name: String(form.get('name') ?? ''), url: String(form.get('url') ?? ''), events: form.getAll('events').map(String) as WebhookEvent[], ...(unit ? { businessUnitId: unit } : {}) },
      {
        onSuccess: (result) => {
          formElement.reset();
          props.onCreated(result);
        },
        onError: (cause) => setError(toUiError(cause)),
      },
    );
  };
  const invalid = (field: string) => (fieldError(error, field) ? true : undefined);
  const alert = error?.fieldErrors && Object.keys(error.fieldErrors).length > 0 ? { ...error, message: 'Correct the fields marked below.' } : error;
  return (
    <form className="ui-form" onSubmit={onSubmit} noValidate aria-label="Add a webhook" data-testid="webhook-create-form">
      <ErrorAlert error={alert} title="The webhook was not added." testId="webhook-create-error" />
      <div className="ui-form-row">
        <div className="ui-field">
          <label htmlFor="webhook-name">Name</label>
          <input id="webhook-name" name="name" className="ui-input" maxLength={100} placeholder="e.g. ticketing bridge" autoComplete="off" aria-invalid={invalid('name')} aria-describedby="webhook-name-error" data-testid="webhook-name" />
          <FieldError error={error} field="name" id="webhook-name-error" />
        </div>
        <div className="ui-field ui-field-grow">
          <label htmlFor="webhook-url">URL</label>
          <input id="webhook-url" name="url" type="url" className="ui-input" maxLength={2000} placeholder="https://hooks.example.org/vigil" autoComplete="off" spellCheck={false} aria-invalid={invalid('url')} aria-describedby="webhook-url-hint webhook-url-error" data-testid="webhook-url" />
          <span id="webhook-url-hint" className="ui-hint">
            https:// (plain http:// only to this machine: 127.0.0.1, ::1, localhost). Loopback, link-local and cloud metadata addresses are refused unless the console&apos;s VIGIL_WEBHOOK_ALLOWED_TARGETS allows them.
          </span>
          <FieldError error={error} field="url" id="webhook-url-error" />
        </div>
        {props.units.length > 1 ? (
          <div className="ui-field">
            <label htmlFor="webhook-unit">Business unit</label>
            <select id="webhook-unit" name="businessUnitId" className="ui-select" defaultValue="" data-testid="webhook-unit">
              <option value="">My unit (and below)</option>
              {unitOptions(props.units).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <fieldset className="ui-fieldset" aria-describedby="webhook-events-error" data-testid="webhook-events">
        <legend>Events</legend>
        <div className="ui-form-row">
          {EVENTS.map(({ event, label }) => (
            <label key={event} className="ui-check">
              <input type="checkbox" name="events" value={event} defaultChecked data-testid={`webhook-event-${event}`} /> {label}
            </label>
          ))}
        </div>
        <FieldError error={error} field="events" id="webhook-events-error" />
      </fieldset>
      <div className="ui-form-actions">
        <button type="submit" className="button ui-primary" disabled={create.isPending} data-testid="webhook-create-submit">
          {create.isPending ? 'Adding…' : 'Add webhook'}
        </button>
      </div>
    </form>
  );
}

function Deliveries({ webhook, now }: { webhook: Webhook; now: number }) {
  const trpc = useTRPC();
  const deliveries = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ id: webhook.id, limit: 20 }), refetchInterval: 15_000, retry: false });
  const items = deliveries.data ?? [];
  return (
    <div className="ui-table-wrap" data-testid="webhook-deliveries" data-webhook={webhook.id}>
      <ErrorAlert error={deliveries.error ? toUiError(deliveries.error) : null} title="The deliveries could not be read." testId="webhook-deliveries-error" />
      <table className="ui-table">
        <caption className="ui-sr-only">Recent deliveries of {webhook.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col" className="ui-num">
              Attempts
            </th>
            <th scope="col">Last attempt</th>
            <th scope="col">Next retry</th>
            <th scope="col">Queued</th>
          </tr>
        </thead>
        <tbody>
          {items.map((delivery: Delivery) => (
            <tr key={delivery.id} data-testid="webhook-delivery-row" data-status={delivery.status} data-event={delivery.event}>
              <td className="ui-mono">{delivery.event}</td>
              <td>
                <Badge tone={DELIVERY_TONE[delivery.status]} testId="webhook-delivery-status">
                  {delivery.status}
                </Badge>
              </td>
              <td className="ui-num" data-testid="webhook-delivery-attempts">
                {delivery.attempts}
              </td>
              <td className="ui-small">
                {delivery.lastAttemptAt ? <span title={formatDateTime(delivery.lastAttemptAt)}>{formatRelative(delivery.lastAttemptAt, now)}</span> : <span className="ui-muted">not yet</span>}
                {delivery.lastError && delivery.status !== 'delivered' ? (
                  <span className="ui-sub" title={delivery.lastError} data-testid="webhook-delivery-error">
                    {delivery.lastError.length > 80 ? `${delivery.lastError.slice(0, 80)}…` : delivery.lastError}
                  </span>
                ) : null}
                {delivery.status === 'delivered' && delivery.lastStatusCode !== null ? <span className="ui-sub">HTTP {delivery.lastStatusCode}</span> : null}
              </td>
              <td className="ui-nowrap ui-small" data-testid="webhook-delivery-next">
                {delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : <span className="ui-muted">—</span>}
              </td>
              <td className="ui-nowrap ui-small">{formatDateTime(delivery.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {deliveries.data && items.length === 0 ? (
        <div className="ui-empty" data-testid="webhook-deliveries-empty">
          <strong>No delivery yet.</strong>
          <span>Events of its units are sent as they happen and retried with back-off for about an hour.</span>
        </div>
      ) : null}
    </div>
  );
}

/** Webhooks of the admin's units: add (the signing secret shown once), delete, and each one's recent deliveries. */
export function WebhooksView(props: { initialWebhooks: Webhook[]; units: UnitLike[]; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const webhooks = useQuery({ ...trpc.webhooks.list.queryOptions(), initialData: props.initialWebhooks });
  const remove = useMutation(trpc.webhooks.delete.mutationOptions());
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const paths = unitPaths(props.units);
  const items = webhooks.data ?? [];
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  return (
    <>
      <Notice notice={notice} testId="webhooks-notice" />
      <section className="card ui-card" aria-labelledby="webhook-create-title" data-testid="webhook-create">
        <header className="ui-card-header">
          <h2 id="webhook-create-title">Add a webhook</h2>
          <p className="ui-card-note">
            Ticket and finding events of a business unit and the units below it are POSTed as JSON, signed with HMAC-SHA256 in <code>X-Vigil-Signature</code>.
          </p>
        </header>
        <div className="ui-card-body">
          {created ? (
            <SecretOnce message={`“${created.name}” is added. Copy its signing secret now: it is not shown again.`} value={created.secret} onDone={() => setCreated(null)} testId="webhook-created" valueTestId="webhook-secret" />
          ) : null}
          <CreateForm
            units={props.units}
            onCreated={(result) => {
              setNotice(null);
              setCreated({ name: result.webhook.name, secret: result.secret });
              void invalidate();
            }}
          />
        </div>
      </section>
      <section className="card ui-card" aria-labelledby="webhooks-title" data-testid="webhooks">
        <header className="ui-card-header">
          <h2 id="webhooks-title">
            <span data-testid="webhooks-total">{items.length}</span> {items.length === 1 ? 'webhook' : 'webhooks'}
          </h2>
        </header>
        {webhooks.error ? <ErrorAlert error={toUiError(webhooks.error)} title="The webhooks could not be refreshed." /> : null}
        <div className="ui-table-wrap">
          <table className="ui-table" data-testid="webhooks-table">
            <thead>
              <tr>
                <th scope="col">Webhook</th>
                <th scope="col">Events</th>
                <th scope="col">Business unit</th>
                <th scope="col">Added</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {items.map((webhook) => (
                <tr key={webhook.id} data-testid="webhook-row" data-id={webhook.id} data-name={webhook.name}>
                  <th scope="row">
                    {webhook.name}
                    <span className="ui-sub ui-mono" data-testid="webhook-url-value">
                      {webhook.url}
                    </span>
                  </th>
                  <td className="ui-small">{webhook.events.length === EVENTS.length ? 'all events' : webhook.events.join(', ')}</td>
                  <td>{paths.get(webhook.businessUnitId) ?? webhook.businessUnitId}</td>
                  <td className="ui-nowrap ui-small">
                    {formatDateTime(webhook.createdAt)}
                    <span className="ui-sub">{webhook.createdBy.email ?? 'system'}</span>
                  </td>
                  <td className="ui-actions">
                    <button type="button" className="button ui-small-button" aria-expanded={open === webhook.id} onClick={() => setOpen(open === webhook.id ? null : webhook.id)} aria-label={`Deliveries of ${webhook.name}`} data-testid="webhook-deliveries-toggle">
                      {open === webhook.id ? 'Hide deliveries' : 'Deliveries'}
                    </button>
                    <button type="button" className="button ui-small-button ui-danger" onClick={() => setDeleting(webhook)} aria-label={`Delete ${webhook.name}`} data-testid="webhook-delete-open">
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 ? (
            <div className="ui-empty" data-testid="webhooks-empty">
              <strong>No webhook.</strong>
              <span>Add one to tell a ticketing system or chat bridge about new, fixed and reopened findings and ticket changes.</span>
            </div>
          ) : null}
        </div>
      </section>
      {items
        .filter((webhook) => webhook.id === open)
        .map((webhook) => (
          <section key={webhook.id} className="card ui-card" aria-label={`Recent deliveries of ${webhook.name}`} data-testid="webhook-deliveries-card">
            <header className="ui-card-header">
              <h2>Recent deliveries of “{webhook.name}”</h2>
              <p className="ui-card-note">The last 20, newest first; refreshed every 15 s. Retries after 30 s, 1, 2, 4, 8, 16 and 32 min, then failed.</p>
            </header>
            <Deliveries webhook={webhook} now={props.now} />
          </section>
        ))}
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          description="Its pending deliveries fail; the receiver gets no more events."
          confirmLabel="Delete webhook"
          pendingLabel="Deleting…"
          pending={remove.isPending}
          error={remove.error}
          errorTitle="The webhook was not deleted."
          onConfirm={() =>
            remove.mutate(
              { id: deleting.id },
              {
                onSuccess: () => {
                  setNotice(`“${deleting.name}” is deleted.`);
                  if (open === deleting.id) setOpen(null);
                  setDeleting(null);
                  void invalidate();
                },
              },
            )
          }
          onClose={() => setDeleting(null)}
          testId="webhook-delete"
        />
      ) : null}
    </>
  );
}
