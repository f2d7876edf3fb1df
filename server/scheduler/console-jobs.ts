import { KB_IMPORTERS } from '../kb/importers/kb-importers';
import { trustedKeys } from '../kb/kb-signing-keys';
import type { Runtime } from '../runtime/runtime';
import { removeExpiredSessions } from '../services/auth/remove-expired-sessions';
import { syncKbSources } from '../services/kb/sync-kb-sources';
import { startScheduler, type Scheduler } from './scheduler';

const HOUR_MS = 3_600_000;

/** The jobs every console node schedules; a lease makes each run on one node only. */
export function startConsoleJobs(options: { runtime: Runtime }): Scheduler {
  const { config, log } = options.runtime;
  return startScheduler({
    log,
    jobs: [
      {
        // Sessions and throttling records past their time (TTL indexes are outside the FerretDB subset).
        name: 'session-cleanup',
        schedule: '*/10 * * * *',
        maxRunMs: HOUR_MS,
        run: () => removeExpiredSessions(),
      },
      {
        name: 'kb-sync',
        schedule: config.kbSyncSchedule,
        maxRunMs: 6 * HOUR_MS,
        run: async () => {
          const reports = await syncKbSources({ dataDir: config.dataDir, importers: KB_IMPORTERS, trustedKeys: trustedKeys(config.dataDir) });
          return reports.map((r) => ({ source: r.source, outcome: r.outcome, error: r.error }));
        },
      },
    ],
  });
}
