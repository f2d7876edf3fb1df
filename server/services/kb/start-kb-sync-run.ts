import type { Principal } from '../../auth/principal';
import type { RequestMeta } from '../../auth/request-meta';
import { AppError } from '../../errors/app-error';
import { KB_IMPORTERS } from '../../kb/importers/kb-importers';
import type { KbSourceId } from '../../kb/kb-types';
import { trustedKeys } from '../../kb/kb-signing-keys';
import type { Logger } from '../../logging/logger';
import type { KbSyncRun } from '../../models/kb-sync-run.model';
import { acquireLease, releaseLease } from '../../scheduler/lease';
import { jobLeaseName } from '../../scheduler/scheduler';
import { recordAudit } from '../audit/record-audit';
import { actorOfActing } from '../auth/acting-principal';
import { KB_SYNC_JOB, KB_SYNC_MAX_RUN_MS, createKbSyncRun, runRecordedKbSync } from './run-recorded-kb-sync';

/**
 * "Sync now": takes the cluster-wide KB sync lease (so it never overlaps the daily sync or
 * another node's), records the run and returns at once; the sync goes on in the background
 * and its progress is read from the run record.
 */
export async function startKbSyncRun(options: {
  principal: Principal;
  sourceIds?: KbSourceId[];
  dataDir: string;
  log: Logger;
  meta: RequestMeta;
}): Promise<KbSyncRun> {
  const lease = jobLeaseName(KB_SYNC_JOB);
  const holder = `manual:${options.principal.userId}:${Date.now()}`;
  if (!(await acquireLease({ name: lease, holder, ttlMs: KB_SYNC_MAX_RUN_MS }))) {
    throw new AppError('CONFLICT', 'a KB sync is already running; its progress is shown on this page');
  }
  let run: KbSyncRun;
  try {
    run = await createKbSyncRun({ trigger: 'manual', requestedBy: options.principal.email, sourceIds: options.sourceIds });
    await recordAudit({
      actor: actorOfActing({ principal: options.principal }),
      action: 'kb.sync',
      target: { type: 'kb-sync-run', id: run._id },
      ip: options.meta.ip,
      outcome: 'success',
      details: { sources: run.order.join(',') },
      businessUnitId: options.principal.businessUnitId,
    });
  } catch (error) {
    await releaseLease({ name: lease, holder });
    throw error;
  }
  void runRecordedKbSync({ run, trigger: 'manual', sourceIds: options.sourceIds, dataDir: options.dataDir, importers: KB_IMPORTERS, trustedKeys: trustedKeys(options.dataDir) })
    .catch((error: unknown) => options.log.error({ run: run._id, err: (error as Error).message }, 'KB sync failed'))
    .finally(() => releaseLease({ name: lease, holder }).catch(() => undefined));
  return run;
}
