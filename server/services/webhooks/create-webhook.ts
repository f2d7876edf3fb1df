import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../auth/request-meta';
import { canWriteUnit } from '../../auth/scope';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { WebhookModel, type Webhook, type WebhookEvent } from '../../models/webhook.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { isLoopbackHttpUrl } from '../sso/loopback-issuer';
import { toWebhookView, type WebhookView } from './webhook-view';

/** https only; plain http just for a receiver on this machine's loopback interface (tests, a local relay). */
export function isAcceptableWebhookUrl(value: string): boolean {
  const url = URL.canParse(value) ? new URL(value) : null;
  return url !== null && !url.username && !url.password && !url.hash && (url.protocol === 'https:' || isLoopbackHttpUrl(url));
}

/**
 * Registers a webhook for events of a business unit and the units below it (the root unit: all). The signing
 * secret is generated here, stored encrypted, and returned this once only.
 */
export async function createWebhook(options: {
  acting: Acting;
  encryption: FieldEncryption;
  input: { name: string; url: string; events: WebhookEvent[]; businessUnitId: string };
  meta: RequestMeta;
}): Promise<{ webhook: WebhookView; secret: string }> {
  requirePermission(options.acting, 'settings:manage');
  const { input } = options;
  if (!isAcceptableWebhookUrl(input.url)) throw new AppError('BAD_INPUT', 'url: must be an https:// URL without credentials or fragment (http:// only for 127.0.0.1, ::1 or localhost)');
  if (!canWriteUnit(scopeOfActing(options.acting), input.businessUnitId) || !(await BusinessUnitModel.exists({ _id: input.businessUnitId }))) {
    throw new AppError('NOT_FOUND', `business unit ${input.businessUnitId} not found`);
  }
  const actor = actorOfActing(options.acting);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const webhook: Webhook = {
    _id: randomUUID(),
    businessUnitId: input.businessUnitId,
    name: input.name,
    url: input.url,
    events: [...new Set(input.events)],
    secret: await options.encryption.encrypt(secret, { purpose: 'sensitive' }),
    createdBy: { id: actor.id ?? 'system', email: actor.email ?? null },
    createdAt: new Date(),
  };
  await WebhookModel.create(webhook);
  await recordAudit({
    actor,
    action: 'webhook.create',
    target: { type: 'webhook', id: webhook._id, label: webhook.name },
    ip: options.meta.ip,
    outcome: 'success',
    details: { url: webhook.url, events: webhook.events.join(' ') },
    businessUnitId: webhook.businessUnitId,
  });
  return { webhook: toWebhookView(webhook), secret };
}
