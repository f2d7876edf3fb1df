import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES } from '../../../models/webhook-delivery.model';
import { WEBHOOK_EVENTS } from '../../../models/webhook.model';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { DELIVERIES_MAX_LIMIT, listWebhookDeliveries } from '../../../services/webhooks/list-webhook-deliveries';
import { permittedProcedure } from '../../init';
import { webhookIdInput } from './webhooks-schemas';

export const webhooksDeliveriesInput = webhookIdInput.extend({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(DELIVERIES_MAX_LIMIT).default(50),
});

export const webhookDeliveryOutput = z.object({
  id: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  body: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export const webhooksDeliveries = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'GET', path: '/webhooks/{id}/deliveries', tags: ['settings'], protect: true, summary: 'Recent deliveries of a webhook, newest first' } })
  .input(webhooksDeliveriesInput)
  .output(z.array(webhookDeliveryOutput))
  .query(({ ctx, input: { id, ...options } }) => listWebhookDeliveries({ scope: scopeOfActing(ctx.acting), webhookId: id, ...options }));
