import { scopeFilter, type Scope } from '../../auth/scope';
import { WITHOUT_WEBHOOK_SECRET, WebhookModel } from '../../models/webhook.model';
import { toWebhookView, type WebhookView } from './webhook-view';

/** The webhooks of the caller's business units, newest first (there are few: no paging). */
export async function listWebhooks(options: { scope: Scope }): Promise<WebhookView[]> {
  const docs = await WebhookModel.find(scopeFilter(options.scope), WITHOUT_WEBHOOK_SECRET).sort({ createdAt: -1, _id: 1 }).lean();
  return docs.map(toWebhookView);
}
