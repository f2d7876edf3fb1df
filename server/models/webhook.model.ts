import { Schema } from 'mongoose';
import { defineModel } from './define-model';

/**
 * A webhook (README "Remediation tickets and webhooks"): events of its business unit and every unit below it (the
 * root unit: all units) are POSTed to `url`, signed with `secret`. The secret is stored encrypted (BinData subtype
 * 6, purpose `sensitive`) and read back in clear only by the delivery path; no API returns it after creation.
 */
export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.updated', 'ticket.resolved', 'ticket.reopened', 'finding.new', 'finding.fixed', 'finding.reopened'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  _id: string;
  businessUnitId: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  /** Encrypted on write; auto-decrypted to the string on read. */
  secret: unknown;
  createdBy: { id: string; email: string | null };
  createdAt: Date;
}

const webhookSchema = new Schema<Webhook>(
  {
    _id: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    name: { type: String, required: true },
    url: { type: String, required: true },
    events: { type: [String], enum: WEBHOOK_EVENTS, required: true },
    secret: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'webhooks', versionKey: false, minimize: false },
);
webhookSchema.index({ businessUnitId: 1, createdAt: -1 });

export const WebhookModel = defineModel<Webhook>('Webhook', webhookSchema);

/** Every field but the secret: what lists and views read. */
export const WITHOUT_WEBHOOK_SECRET = { secret: 0 } as const;
