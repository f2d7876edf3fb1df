import { z } from 'zod';
import { SCANNER_NODE_STATUSES } from '../../../models/scanner-node.model';
import { actorOfActing } from '../../../services/auth/acting-principal';
import { setScannerNodeStatus } from '../../../services/scanner-nodes/set-scanner-node-status';
import { permittedProcedure } from '../../init';

export const scannersSetStatusInput = z.object({
  id: z.string().trim().min(1).max(128),
  /** `active` enables, `disabled` stops giving it work, `revoked` refuses it for good. */
  status: z.enum(SCANNER_NODE_STATUSES),
});

export const scannersSetStatus = permittedProcedure('scanners:manage')
  .meta({ openapi: { method: 'POST', path: '/scanners/{id}/status', tags: ['scanners'], protect: true, summary: 'Enable, disable or revoke (final) a scanner node; its leased jobs go back to the queue' } })
  .input(scannersSetStatusInput)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await setScannerNodeStatus({ nodeId: input.id, status: input.status, actor: actorOfActing(ctx.acting), ip: ctx.meta.ip });
    return { ok: true as const };
  });
