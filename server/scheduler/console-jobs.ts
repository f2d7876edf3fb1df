import { KB_IMPORTERS } from '../kb/importers/kb-importers';
import { trustedKeys } from '../kb/kb-signing-keys';
import type { Runtime } from '../runtime/runtime';
import { removeExpiredSessions } from '../services/auth/remove-expired-sessions';
import { expireFindingExceptions } from '../services/findings/exceptions/end-finding-exception';
import { ensureFindingListCells } from '../services/findings/finding-list-cells';
import { KB_SYNC_JOB, KB_SYNC_MAX_RUN_MS, runRecordedKbSync } from '../services/kb/run-recorded-kb-sync';
import { redateForSlaPolicy, SLA_REDATE_JOB, SLA_REDATE_MAX_RUN_MS } from '../services/findings/sla-policy';
import { launchDueScans } from '../services/scans/launch-due-scans';
import { removeExpiredSsoTransactions } from '../services/sso/remove-expired-sso-transactions';
import { carryFindingTrends } from '../services/trends/carry-finding-trends';
import { ensureRankHistograms } from '../services/trends/rank-histograms';
import { deliverDueWebhooks } from '../services/webhooks/deliver-webhooks';
import { startScheduler, type Scheduler } from './scheduler';

const HOUR_MS = 3_600_000;

/** The jobs every console node schedules; a lease makes each run on one node only. */
export function startConsoleJobs(options: { runtime: Runtime }): Scheduler {
  const { config, log } = options.runtime;
  return startScheduler({
    log,
    jobs: [
      {
        // Sessions, throttling records and claims past their time (TTL indexes are outside the FerretDB subset).
        name: 'session-cleanup',
        schedule: '*/10 * * * *',
        maxRunMs: HOUR_MS,
        run: () => removeExpiredSessions(),
      },
      {
        // Single-sign-on logins started but never completed (state, nonce, PKCE verifier).
        name: 'sso-transaction-cleanup',
        schedule: '*/10 * * * *',
        maxRunMs: HOUR_MS,
        run: () => removeExpiredSsoTransactions(),
      },
      {
        // Scheduled scans: each occurrence launched once per cluster (see launchDueScans).
        name: 'scan-schedules',
        schedule: '* * * * *',
        maxRunMs: 5 * 60_000,
        run: () => launchDueScans(),
      },
      {
        // Finding exceptions past their expiry: expired, and the findings they covered reopened.
        name: 'finding-exception-expiry',
        schedule: '*/15 * * * *',
        maxRunMs: HOUR_MS,
        run: () => expireFindingExceptions(),
      },
      {
        // Open findings re-dated to a changed SLA policy: the change starts it at once; this finishes a run a restart
        // cut short, or a change made while a run was going.
        name: SLA_REDATE_JOB,
        schedule: '* * * * *',
        maxRunMs: SLA_REDATE_MAX_RUN_MS,
        run: () => redateForSlaPolicy(),
      },
      {
        // Webhook deliveries due for an attempt (a retry, or one whose prompt attempt never ran), and old ones removed.
        name: 'webhook-deliveries',
        schedule: '* * * * *',
        maxRunMs: 10 * 60_000,
        run: () => deliverDueWebhooks(),
      },
      {
        // Finding trends: each day's open counts carried into the next, and the SLA breaches of the day. Hourly, so a
        // new day is carried soon after midnight UTC; a day is carried once however often it runs.
        name: 'finding-trends',
        schedule: '5 * * * *',
        maxRunMs: HOUR_MS,
        run: () => carryFindingTrends(),
      },
      {
        // The findings list's cells and the dashboard's histograms counted once, where findings were recorded before
        // they existed (a no-op after).
        name: 'finding-counters',
        schedule: '*/10 * * * *',
        maxRunMs: HOUR_MS,
        run: async () => ({ listCells: await ensureFindingListCells(), rankHistograms: await ensureRankHistograms() }),
      },
      ...(config.kbSyncSchedule === null
        ? []
        : [
            {
              name: KB_SYNC_JOB,
              schedule: config.kbSyncSchedule,
              maxRunMs: KB_SYNC_MAX_RUN_MS,
              run: async () => {
                const { run } = await runRecordedKbSync({ trigger: 'schedule', dataDir: config.dataDir, importers: KB_IMPORTERS, trustedKeys: trustedKeys(config.dataDir) });
                return { run: run._id, state: run.state };
              },
            },
          ]),
    ],
  });
}
