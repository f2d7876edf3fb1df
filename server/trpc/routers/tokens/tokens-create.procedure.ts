import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../../auth/permissions';
import { createApiToken } from '../../../services/api-tokens/create-api-token';
import { requirePermission } from '../../../services/auth/acting-principal';
import { sensitiveProcedure } from '../../init';
import { tokenOutput } from './tokens-schemas';

export const tokensCreateInput = z.object({
  name: z.string().trim().min(1, { message: 'is required' }).max(100),
  /** At most your own role; default: your role. */
  role: z.enum(ROLES).optional(),
  /** Only these of the role's permissions (e.g. `["deployment:report"]` for a GitOps node); default: all of them. */
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
  /** Units inside your own; default: your unit (and the units below it). */
  businessUnitIds: z.array(z.string().min(1).max(64)).max(100).optional(),
  /** 1–366 days; null: never expires; default 90. */
  expiresInDays: z.number().int().min(1).max(366).nullable().optional(),
});

export const tokensCreateOutput = z.object({
  /** Shown this once; only its hash is stored. Send it as `Authorization: Bearer <token>`. */
  token: z.string(),
  metadata: tokenOutput,
});

/** A sensitive change: an interactive session that signed in (or re-authenticated) recently. */
export const tokensCreate = sensitiveProcedure
  .meta({ openapi: { method: 'POST', path: '/tokens', tags: ['tokens'], protect: true, summary: 'Create an API token for yourself (returned once; needs a recent interactive sign-in)' } })
  .use(({ ctx, next }) => {
    requirePermission(ctx.acting, 'tokens:own');
    return next();
  })
  .input(tokensCreateInput)
  .output(tokensCreateOutput)
  .mutation(({ ctx, input }) => createApiToken({ principal: ctx.principal, ...input, meta: ctx.meta }));
