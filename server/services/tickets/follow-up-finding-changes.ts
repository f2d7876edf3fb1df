import type { WebhookEvent } from '../../models/webhook.model';
import { enqueueWebhookEvents, type WebhookEventInput } from '../webhooks/enqueue-webhook-events';
import { verifyAssetTickets } from './verify-asset-tickets';

/** Finding ids per event: a big first inventory is sent as several deliveries, each body bounded. */
const FINDINGS_PER_EVENT = 500;

/**
 * What follows a result that brought an asset's findings up to date (sync-asset-findings.ts): webhook events for
 * the findings it opened, reopened and fixed, and the automatic verification of the tickets holding the asset's
 * findings. A result recorded again changes no finding, so it sends nothing twice.
 */
export async function followUpFindingChanges(options: { businessUnitId: string; assetId: string; runId: string | null; at: Date; opened: string[]; reopened: string[]; fixed: string[] }): Promise<void> {
  const { businessUnitId, assetId, runId, at } = options;
  const events: WebhookEventInput[] = [];
  const add = (event: WebhookEvent, ids: string[]) => {
    for (let start = 0; start < ids.length; start += FINDINGS_PER_EVENT) {
      const findingIds = ids.slice(start, start + FINDINGS_PER_EVENT);
      events.push({ event, businessUnitId, key: `${assetId}|${runId ?? at.toISOString()}|${start}`, data: { assetId, runId, findingIds }, at });
    }
  };
  add('finding.new', options.opened);
  add('finding.reopened', options.reopened);
  add('finding.fixed', options.fixed);
  await enqueueWebhookEvents(events);
  await verifyAssetTickets({ businessUnitId, assetId, runId, at });
}
