import { Schema } from 'mongoose';
import { defineModel } from './define-model';
import type { WebhookEvent } from './webhook.model';

/**
 * The outbox of webhook calls: one document per event and webhook, written when the event happens and sent by a
 * prompt attempt, then by the `webhook-deliveries` job until a 2xx answer (`delivered`) or the last attempt
 * (`failed`). `_id` is derived from the webhook and the event, so recording an event twice enqueues it once.
 */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export interface WebhookDelivery {
  _id: string;
  webhookId: string;
  businessUnitId: string;
  event: WebhookEvent;
  /** The exact JSON body that is signed and sent. */
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  /** HTTP status of the last answer (null: none, e.g. a timeout). */
  lastStatusCode: number | null;
  /** Why the last attempt failed, with the start of the answer (bounded). */
  lastError: string | null;
  createdAt: Date;
}

const webhookDeliverySchema = new Schema<WebhookDelivery>(
  {
    _id: { type: String, required: true },
    webhookId: { type: String, required: true },
    businessUnitId: { type: String, required: true },
    event: { type: String, required: true },
    body: { type: String, required: true },
    status: { type: String, enum: WEBHOOK_DELIVERY_STATUSES, required: true },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, default: null },
    lastAttemptAt: { type: Date, default: null },
    lastStatusCode: { type: Number, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'webhook_deliveries', versionKey: false, minimize: false },
);
webhookDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
webhookDeliverySchema.index({ webhookId: 1, createdAt: -1 });
webhookDeliverySchema.index({ createdAt: 1 });

export const WebhookDeliveryModel = defineModel<WebhookDelivery>('WebhookDelivery', webhookDeliverySchema);
