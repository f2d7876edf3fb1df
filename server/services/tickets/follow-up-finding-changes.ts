import type { WebhookEvent } from '../../models/webhook.model';
import { enqueueWebhookEvents, type WebhookEventInput } from '../webhooks/enqueue-webhook-events';
import { verifyAssetTickets } from './verify-asset-tickets';

/** Finding ids per event: a big first inventory is sent as several deliveries, each body bounded. */
const FINDINGS_PER_EVENT = 500;

/**
 * Webhook events for an asset's findings that changed the same way, `FINDINGS_PER_EVENT` ids each; `key` names the
 * change (a run, an exception) so that the same change is delivered once.
 */
export function findingEvents(options: { event: WebhookEvent; businessUnitId: string; assetId: string; key: string; data: Record<string, unknown>; findingIds: string[]; at: Date }): WebhookEventInput[] {
  const events: WebhookEventInput[] = [];
  for (let start = 0; start < options.findingIds.length; start += FINDINGS_PER_EVENT) {
    const findingIds = options.findingIds.slice(start, start + FINDINGS_PER_EVENT);
    events.push({ event: options.event, businessUnitId: options.businessUnitId, key: `${options.assetId}|${options.key}|${start}`, data: { assetId: options.assetId, ...options.data, findingIds }, at: options.at });
  }
  return events;
}

/**
 * What follows a result that brought an asset's findings up to date (sync-asset-findings.ts): webhook events for
 * the findings it opened, reopened and fixed, and the automatic verification of the tickets holding the asset's
 * findings. A result recorded again changes no finding, so it sends nothing twice.
 */
export async function followUpFindingChanges(options: { businessUnitId: string; assetId: string; runId: string | null; at: Date; opened: string[]; reopened: string[]; fixed: string[] }): Promise<void> {
  const { businessUnitId, assetId, runId, at } = options;
  const of = (event: WebhookEvent, findingIds: string[]) => findingEvents({ event, businessUnitId, assetId, key: runId ?? at.toISOString(), data: { runId }, findingIds, at });
  await enqueueWebhookEvents([...of('finding.new', options.opened), ...of('finding.reopened', options.reopened), ...of('finding.fixed', options.fixed)]);
  await verifyAssetTickets({ businessUnitId, assetId, runId, at });
}
