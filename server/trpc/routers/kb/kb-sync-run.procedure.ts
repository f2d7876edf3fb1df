import { z } from 'zod';
import { KB_SOURCES } from '../../../kb/kb-types';
import { KB_SYNC_RUN_STATES } from '../../../models/kb-sync-run.model';
import { getKbSyncRun, type KbSyncRunView } from '../../../services/kb/get-kb-sync-run';
import { permittedProcedure } from '../../init';

export const kbSyncRunOutput = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  requestedBy: z.string().nullable(),
  state: z.enum([...KB_SYNC_RUN_STATES, 'interrupted']),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  error: z.string().nullable(),
  sources: z.array(
    z.object({
      source: z.enum(KB_SOURCES),
      state: z.enum(['pending', 'running', 'done']),
      outcome: z.enum(['updated', 'not-modified', 'failed', 'skipped']).nullable(),
      downloaded: z.number().int(),
      bytes: z.number(),
      created: z.number().int(),
      updated: z.number().int(),
      durationMs: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type KbSyncRunOutput = z.infer<typeof kbSyncRunOutput>;

export function toKbSyncRunOutput(run: KbSyncRunView): KbSyncRunOutput {
  return {
    id: run._id,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    state: run.state,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    sources: run.order.map((source) => ({ source, ...run.sources[source]! })),
  };
}

/** Progress of one KB sync run, or of the latest one. */
export const kbSyncRun = permittedProcedure('kb:read')
  .meta({ openapi: { method: 'GET', path: '/kb/sync-runs/latest', tags: ['kb'], protect: true, summary: 'Progress of a KB sync run (runId) or of the latest one' } })
  .input(z.object({ runId: z.string().uuid().optional() }))
  .output(kbSyncRunOutput.nullable())
  .query(async ({ input }) => {
    const run = await getKbSyncRun({ runId: input.runId });
    return run ? toKbSyncRunOutput(run) : null;
  });
