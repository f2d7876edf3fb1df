import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { listWebhooks } from '../../../services/webhooks/list-webhooks';
import { permittedProcedure } from '../../init';
import { webhookOutput } from './webhooks-schemas';

export const webhooksList = permittedProcedure('settings:manage')
  .meta({ openapi: { method: 'GET', path: '/webhooks', tags: ['settings'], protect: true, summary: 'Webhooks of your business units (without secrets)' } })
  .input(z.void())
  .output(z.array(webhookOutput))
  .query(({ ctx }) => listWebhooks({ scope: scopeOfActing(ctx.acting) }));
