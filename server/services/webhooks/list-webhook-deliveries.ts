import type { Scope } from '../../auth/scope';
import { WebhookDeliveryModel, type WebhookDelivery, type WebhookDeliveryStatus } from '../../models/webhook-delivery.model';
import type { WebhookEvent } from '../../models/webhook.model';
import { findWebhook } from './find-webhook';

export const DELIVERIES_MAX_LIMIT = 200;

/** A delivery as callers see it (the body is the event as sent: no secrets in it). Times are ISO 8601. */
export interface WebhookDeliveryView {
  id: string;
  event: WebhookEvent;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

const toDeliveryView = (doc: WebhookDelivery): WebhookDeliveryView => ({
  id: doc._id,
  event: doc.event,
  body: doc.body,
  status: doc.status,
  attempts: doc.attempts,
  nextAttemptAt: doc.nextAttemptAt?.toISOString() ?? null,
  lastAttemptAt: doc.lastAttemptAt?.toISOString() ?? null,
  lastStatusCode: doc.lastStatusCode,
  lastError: doc.lastError,
  createdAt: doc.createdAt.toISOString(),
});

/** The most recent deliveries of one webhook of the caller's units, newest first. */
export async function listWebhookDeliveries(options: { scope: Scope; webhookId: string; status?: WebhookDeliveryStatus; limit: number }): Promise<WebhookDeliveryView[]> {
  const webhook = await findWebhook({ scope: options.scope, webhookId: options.webhookId });
  const limit = Math.min(Math.max(1, Math.floor(options.limit)), DELIVERIES_MAX_LIMIT);
  const docs = await WebhookDeliveryModel.find({ webhookId: webhook._id, ...(options.status ? { status: options.status } : {}) })
    .sort({ createdAt: -1, _id: 1 })
    .limit(limit)
    .lean<WebhookDelivery[]>();
  return docs.map(toDeliveryView);
}
