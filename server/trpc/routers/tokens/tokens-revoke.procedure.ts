import { z } from 'zod';
import { revokeApiToken } from '../../../services/api-tokens/revoke-api-token';
import { permittedProcedure } from '../../init';

export const tokensRevokeInput = z.object({ id: z.string().trim().min(1).max(64) });
export const tokensRevokeOutput = z.object({ ok: z.literal(true) });

/** Revokes one of your tokens, or (users:manage) one of a user in your units; it stops working at once. */
export const tokensRevoke = permittedProcedure('tokens:own')
  .meta({ openapi: { method: 'POST', path: '/tokens/{id}/revoke', tags: ['tokens'], protect: true, summary: 'Revoke an API token' } })
  .input(tokensRevokeInput)
  .output(tokensRevokeOutput)
  .mutation(async ({ ctx, input }) => {
    await revokeApiToken({ principal: ctx.principal, tokenId: input.id, meta: ctx.meta });
    return { ok: true as const };
  });
