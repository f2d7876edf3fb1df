import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestMeta } from '../../auth/request-meta';
import { canWriteUnit } from '../../auth/scope';
import type { FieldEncryption } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { BusinessUnitModel } from '../../models/business-unit.model';
import { WebhookModel, type Webhook, type WebhookEvent } from '../../models/webhook.model';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing, requirePermission, scopeOfActing, type Acting } from '../auth/acting-principal';
import { toWebhookView, type WebhookView } from './webhook-view';
import { ALLOWED_TARGETS_VARIABLE, WEBHOOK_TARGET_REFUSED, webhookUrlProblem, type WebhookTargetRule } from './webhook-target-policy';
import { webhookTargetRefusal } from './webhook-target-resolution';

/**
 * Registers a webhook for events of a business unit and the units below it (the root unit: all). The URL must pass
 * the target policy (`allowedTargets`: the configuration's VIGIL_WEBHOOK_ALLOWED_TARGETS), its host name resolved
 * now; deliveries check it again. The signing secret is generated here, stored encrypted, and returned this once only.
 */
export async function createWebhook(options: {
  acting: Acting;
  encryption: FieldEncryption;
  allowedTargets: readonly WebhookTargetRule[];
  input: { name: string; url: string; events: WebhookEvent[]; businessUnitId: string };
  meta: RequestMeta;
}): Promise<{ webhook: WebhookView; secret: string }> {
  requirePermission(options.acting, 'settings:manage');
  const { input } = options;
  const problem = webhookUrlProblem(input.url);
  if (problem) throw new AppError('BAD_INPUT', `url: ${problem}`);
  const refusal = await webhookTargetRefusal({ url: input.url, rules: options.allowedTargets });
  if (refusal) throw new AppError('BAD_INPUT', `${WEBHOOK_TARGET_REFUSED}${refusal} (an administrator allows exceptions with ${ALLOWED_TARGETS_VARIABLE})`);
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
