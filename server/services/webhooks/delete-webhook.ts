import type { RequestMeta } from '../../auth/request-meta';
import { WebhookDeliveryModel } from '../../models/webhook-delivery.model';
import { WebhookModel } from '../../models/webhook.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { findWebhook } from './find-webhook';

/** Removes a webhook; its pending deliveries fail (their history stays for the deliveries list until it ages out). */
export async function deleteWebhook(options: { acting: Acting; webhookId: string; meta: RequestMeta }): Promise<void> {
  requirePermission(options.acting, 'settings:manage');
  const webhook = await findWebhook({ scope: scopeOfActing(options.acting), webhookId: options.webhookId });
  await WebhookModel.deleteOne({ _id: webhook._id });
  await WebhookDeliveryModel.updateMany({ webhookId: webhook._id, status: 'pending' }, { $set: { status: 'failed', nextAttemptAt: null, lastError: 'the webhook was deleted' } });
  await recordAudit({
    actor: actorOfActing(options.acting),
    action: 'webhook.delete',
    target: { type: 'webhook', id: webhook._id, label: webhook.name },
    ip: options.meta.ip,
    outcome: 'success',
    details: { url: webhook.url },
    businessUnitId: webhook.businessUnitId,
  });
}
