import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../../models/webhook.model';

/** A webhook as every answer shows it: never its secret. */
export const webhookOutput = z.object({
  id: z.string(),
  businessUnitId: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  createdBy: z.object({ id: z.string(), email: z.string().nullable() }),
  createdAt: z.iso.datetime(),
});

export const webhookIdInput = z.object({ id: z.string().trim().uuid() });
