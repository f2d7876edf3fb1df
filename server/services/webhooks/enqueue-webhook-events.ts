import { createHash } from 'node:crypto';
import { ROOT_BUSINESS_UNIT_ID } from '../../auth/scope';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { WebhookDeliveryModel, type WebhookDelivery } from '../../models/webhook-delivery.model';
import { WITHOUT_WEBHOOK_SECRET, WebhookModel, type WebhookEvent } from '../../models/webhook.model';
import { attemptPromptly } from './deliver-webhooks';
import { onlyDuplicateKeyErrors } from '../../db/duplicate-key';

export interface WebhookEventInput {
  event: WebhookEvent;
  businessUnitId: string;
  /** Names this occurrence of the event (e.g. ticket id and version): the same key is delivered once. */
  key: string;
  data: Record<string, unknown>;
  at: Date;
}

/**
 * Puts events in the outbox of every webhook that wants them — webhooks of the event's business unit or of a unit
 * above it — and makes a first attempt at once without waiting for it. Enqueueing an event again (a result
 * recorded twice) adds nothing: the delivery id derives from the webhook and the event's key.
 */
export async function enqueueWebhookEvents(events: WebhookEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const unitIds = [...new Set(events.map((e) => e.businessUnitId))];
  const units = new Map((await BusinessUnitModel.find({ _id: { $in: unitIds } }, { ancestors: 1 }).lean()).map((unit) => [unit._id, unit.ancestors]));
  // Every unit lies below the root (a record of a unit not (yet) in the tree counts as the root's too).
  const reachedBy = new Map(unitIds.map((id) => [id, new Set([id, ...(units.get(id) ?? [ROOT_BUSINESS_UNIT_ID])])]));
  const webhooks = await WebhookModel.find({ businessUnitId: { $in: [...new Set([...reachedBy.values()].flatMap((reach) => [...reach]))] } }, WITHOUT_WEBHOOK_SECRET).lean();
  const deliveries: WebhookDelivery[] = [];
  for (const event of events) {
    for (const webhook of webhooks) {
      if (!webhook.events.includes(event.event) || !reachedBy.get(event.businessUnitId)?.has(webhook.businessUnitId)) continue;
      const id = createHash('sha256').update(`${webhook._id}|${event.event}|${event.key}`).digest('hex').slice(0, 32);
      const body = JSON.stringify({ id, event: event.event, at: event.at.toISOString(), businessUnitId: event.businessUnitId, data: event.data });
      deliveries.push({ _id: id, webhookId: webhook._id, businessUnitId: event.businessUnitId, event: event.event, body, status: 'pending', attempts: 0, nextAttemptAt: event.at, lastAttemptAt: null, lastStatusCode: null, lastError: null, createdAt: event.at });
    }
  }
  if (deliveries.length === 0) return;
  await WebhookDeliveryModel.insertMany(deliveries, { ordered: false }).catch((error: unknown) => {
    if (!onlyDuplicateKeyErrors(error)) throw error;
  });
  attemptPromptly(deliveries);
}
