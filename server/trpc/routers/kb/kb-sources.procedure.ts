import { z } from 'zod';
import { KB_SOURCES } from '../../../kb/kb-types';
import { getKbStats } from '../../../services/kb/get-kb-stats';
import { permittedProcedure } from '../../init';

export const kbSourceOutput = z.object({
  source: z.enum(KB_SOURCES),
  records: z.number().int().nonnegative(),
  contributions: z.number().int().nonnegative(),
  lastImportAt: z.string().nullable(),
  ageHours: z.number().nullable(),
  lastProblems: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  lastSyncOutcome: z.enum(['updated', 'not-modified', 'failed']).nullable(),
  lastSyncError: z.string().nullable(),
});

export const kbSourcesOutput = z.object({
  vulnerabilities: z.number().int().nonnegative(),
  kevListed: z.number().int().nonnegative(),
  sources: z.array(kbSourceOutput),
});

export const kbSources = permittedProcedure('kb:read')
  .meta({ openapi: { method: 'GET', path: '/kb/sources', tags: ['kb'], protect: true, summary: 'Per-source record counts, freshness and last sync' } })
  .input(z.void())
  .output(kbSourcesOutput).query(() => getKbStats());
