import { router } from '../../init';
import { webhooksCreate } from './webhooks-create.procedure';
import { webhooksDeliveries } from './webhooks-deliveries.procedure';
import { webhooksDelete } from './webhooks-delete.procedure';
import { webhooksList } from './webhooks-list.procedure';

export const webhooksRouter = router({ create: webhooksCreate, list: webhooksList, delete: webhooksDelete, deliveries: webhooksDeliveries });
