import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../../models/webhook.model';
import { createWebhook } from '../../../services/webhooks/create-webhook';
import { webhookUrlProblem } from '../../../services/webhooks/webhook-target-policy';
import { permittedProcedure } from '../../init';
import { webhookOutput } from './webhooks-schemas';

export const webhooksCreateInput = z.object({
  name: z.string().trim().min(1).max(100),
  // The URL's shape here; which hosts it may reach is the service's to judge (the configuration, DNS).
  url: z
    .string()
    .trim()
    .max(2000)
    .superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  /** Events of this unit and every unit below it; default: the caller's own unit. */
  businessUnitId: z.string().trim().min(1).max(100).optional(),
});

/** The answer is the only place the signing secret is ever shown. */
export const webhooksCreate = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'POST', path: '/webhooks', tags: ['settings'], protect: true, summary: 'Register a webhook; the answer shows its signing secret, once' } })
  .input(webhooksCreateInput)
  .output(z.object({ webhook: webhookOutput, secret: z.string() }))
  .mutation(({ ctx, input: { businessUnitId, ...input } }) =>
    createWebhook({ acting: ctx.acting, encryption: ctx.runtime.encryption, allowedTargets: ctx.runtime.config.webhookAllowedTargets, input: { ...input, businessUnitId: businessUnitId ?? ctx.principal.businessUnitId }, meta: ctx.meta }),
  );
