import { z } from 'zod';
import { listApiTokens } from '../../../services/api-tokens/list-api-tokens';
import { permittedProcedure } from '../../init';
import { tokenOutput } from './tokens-schemas';

export const tokensListInput = z
  .object({
    /** `all`: the tokens of every user in your units (needs users:manage; otherwise your own). */
    owner: z.enum(['me', 'all']).default('me'),
  })
  .default({ owner: 'me' });

export const tokensListOutput = z.object({ items: z.array(tokenOutput) });

export const tokensList = permittedProcedure('tokens:own')
  .meta({ openapi: { method: 'GET', path: '/tokens', tags: ['tokens'], protect: true, summary: 'Your API tokens (owner=all: of every user in your units, with users:manage)' } })
  .input(tokensListInput)
  .output(tokensListOutput)
  .query(async ({ ctx, input }) => ({ items: await listApiTokens({ principal: ctx.principal, allUsers: input.owner === 'all' }) }));
