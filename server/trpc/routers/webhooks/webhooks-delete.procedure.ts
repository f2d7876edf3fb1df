import { z } from 'zod';
import { deleteWebhook } from '../../../services/webhooks/delete-webhook';
import { permittedProcedure } from '../../init';
import { webhookIdInput } from './webhooks-schemas';

export const webhooksDelete = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'DELETE', path: '/webhooks/{id}', tags: ['settings'], protect: true, summary: 'Delete a webhook (its pending deliveries fail)' } })
  .input(webhookIdInput)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await deleteWebhook({ acting: ctx.acting, webhookId: input.id, meta: ctx.meta });
    return { ok: true as const };
  });
