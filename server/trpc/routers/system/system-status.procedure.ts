import { z } from 'zod';
import { getSystemStatus } from '../../../services/system/get-system-status';
import { permittedProcedure } from '../../init';

export const systemStatusOutput = z.object({
  version: z.string(),
  nodeVersion: z.string(),
  uptimeSeconds: z.number().int().nonnegative(),
  startedAt: z.string(),
  database: z.object({
    engine: z.enum(['ferretdb', 'mongodb']),
    backend: z.enum(['sqlite', 'postgresql', 'mongodb', 'unknown']),
    serverVersion: z.string(),
    embedded: z.boolean(),
    name: z.string(),
    reachable: z.boolean(),
    latencyMs: z.number().nullable(),
  }),
  encryption: z.object({ masterKey: z.enum(['local-file', 'kmip']), dataKeys: z.number().int().nonnegative() }),
});

export const systemStatus = permittedProcedure('system:read')
  .meta({ openapi: { method: 'GET', path: '/system/status', tags: ['system'], protect: true, summary: 'Version, uptime, database and encryption status' } })
  .input(z.void())
  .output(systemStatusOutput)
  .query(({ ctx }) => getSystemStatus({ runtime: ctx.runtime }));
