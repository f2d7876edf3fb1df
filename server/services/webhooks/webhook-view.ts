import type { Webhook, WebhookEvent } from '../../models/webhook.model';

/** A webhook as callers see it: never its secret. Times are ISO 8601. */
export interface WebhookView {
  id: string;
  businessUnitId: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  createdBy: { id: string; email: string | null };
  createdAt: string;
}

export function toWebhookView(doc: Omit<Webhook, 'secret'>): WebhookView {
  return { id: doc._id, businessUnitId: doc.businessUnitId, name: doc.name, url: doc.url, events: doc.events, createdBy: doc.createdBy, createdAt: doc.createdAt.toISOString() };
}
