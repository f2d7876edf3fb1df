import { scopeFilter, type Scope } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { WITHOUT_WEBHOOK_SECRET, WebhookModel, type Webhook } from '../../models/webhook.model';

/** A webhook of the caller's business units (another unit's is NOT_FOUND, like a missing one), without its secret. */
export async function findWebhook(options: { scope: Scope; webhookId: string }): Promise<Omit<Webhook, 'secret'>> {
  const webhook = await WebhookModel.findOne({ ...scopeFilter(options.scope), _id: options.webhookId }, WITHOUT_WEBHOOK_SECRET).lean();
  if (!webhook) throw new AppError('NOT_FOUND', `webhook ${options.webhookId} not found`);
  return webhook;
}
