import { z } from 'zod';
import { KB_SOURCES } from '../../../kb/kb-types';
import { startKbSyncRun } from '../../../services/kb/start-kb-sync-run';
import { permittedProcedure } from '../../init';
import { kbSyncRunOutput, toKbSyncRunOutput } from './kb-sync-run.procedure';

/** Starts a mirror sync now (all enabled sources, or the ones named); answers with the new run. */
export const kbSyncNow = permittedProcedure('kb:manage')
  .meta({ openapi: { method: 'POST', path: '/kb/sync', tags: ['kb'], protect: true, summary: 'Start a KB mirror sync now; answers the new run' } })
  .input(z.object({ sourceIds: z.array(z.enum(KB_SOURCES)).max(KB_SOURCES.length).optional() }))
  .output(kbSyncRunOutput)
  .mutation(async ({ ctx, input }) => {
    const run = await startKbSyncRun({ principal: ctx.principal, sourceIds: input.sourceIds, dataDir: ctx.runtime.config.dataDir, log: ctx.runtime.log, meta: ctx.meta });
    return toKbSyncRunOutput(run);
  });
