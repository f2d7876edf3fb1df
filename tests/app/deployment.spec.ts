import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDbStatus } from '../../server/db/embedded-db';
import type { Runtime } from '../../server/runtime/runtime';
import { recordDeploymentReport } from '../../server/services/deployment/record-deployment-report';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole, type RunningConsole } from '../helpers/console';
import { closeRuntime, openTestRuntime } from '../helpers/runtime';
import { createAccount, signIn, type TestAccount } from '../helpers/sign-in';
import { APPLIED_COMMIT, driftTask, driftedPart, sampleReport, serviceReport } from '../server/services/deployment/deployment-report-sample';

/**
 * Settings → Deployment on a real console (embedded FerretDB): two nodes' GitOps reports recorded through the real
 * service into the console's database — one that reported a minute ago with drift, one whose last report is three
 * hours old (stale at two 15-minute intervals) — then the page as an admin sees it, the changed tasks expanded,
 * and an auditor who gets neither the tab nor the page.
 */
const TIMEOUT = 60_000;
const MINUTE = 60_000;

describe('console deployment page', () => {
  let consoleServer: RunningConsole | undefined;
  let session: BrowserSession | undefined;
  let runtime: Runtime;
  let page: Page;
  let auditor: TestAccount;
  const pageErrors: string[] = [];
  const url = (target: string) => `${consoleServer!.url}${target}`;

  const record = (report: Record<string, unknown>, receivedAt: Date) => recordDeploymentReport({ encryption: runtime.encryption, report: serviceReport(report), tokenId: null, now: receivedAt });

  beforeAll(async () => {
    consoleServer = await startConsole();
    const admin = await createAccount(consoleServer);
    auditor = await createAccount(consoleServer, { email: 'auditor@vigil.test', name: 'Otto Auditor', role: 'auditor' });
    // The console's embedded database and master key: what this process writes, the console reads.
    const embedded = await embeddedDbStatus({ dataDir: consoleServer.dataDir });
    runtime = await openTestRuntime({ uri: `${embedded.uri!.replace(/\/+$/, '')}/vigil`, masterKeyFile: path.join(consoleServer.dataDir, 'master.key') });

    const minuteAgo = new Date(Date.now() - MINUTE);
    await record(
      sampleReport(
        'vigil-console-1',
        {
          drift: driftedPart(
            [
              driftTask('Write the console environment', '# edited by hand'),
              {
                play: 'Vigil base',
                task: 'Write the sshd drop-in',
                diff: '--- before: /etc/ssh/sshd_config.d/50-vigil.conf\n+++ after: /etc/ssh/sshd_config.d/50-vigil.conf\n@@ -1,3 +1,3 @@\n PermitRootLogin no\n-PasswordAuthentication yes\n+PasswordAuthentication no\n AllowGroups vigil-admins',
              },
            ],
            minuteAgo,
          ),
        },
        minuteAgo,
      ),
      minuteAgo,
    );
    const threeHoursAgo = new Date(Date.now() - 180 * MINUTE);
    await record(sampleReport('vigil-scanner-1', { kind: 'drift' }, threeHoursAgo), threeHoursAgo);

    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    collectPageErrors(page, pageErrors, { consoleErrors: { refusedStatuses: [] } });
    await signIn(page, consoleServer.url, admin);
  }, 4 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await closeRuntime();
    await consoleServer?.stop();
  }, TIMEOUT);

  it('lists the nodes: applied commit, verification, reconciliation, drift with its changed tasks, and the stale one', async () => {
    await page.goto(url('/settings'), { waitUntil: 'load' });
    await page.getByTestId('settings-tab-deployment').click();
    await page.waitForURL((target) => target.pathname === '/settings/deployment');
    const rows = page.getByTestId('deployment-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect(await page.getByTestId('deployment-total').textContent()).toBe('2');
    expect(await page.getByTestId('deployment-drifted-count').textContent()).toBe('1 drifted');
    expect(await page.getByTestId('deployment-stale-count').textContent()).toBe('1 stale');

    const drifted = page.locator('[data-testid="deployment-row"][data-node="vigil-console-1"]');
    expect(await drifted.getAttribute('data-drift')).toBe('drift');
    expect(await drifted.getAttribute('data-stale')).toBe('false');
    expect(await drifted.getByTestId('deployment-commit').textContent()).toBe(`${APPLIED_COMMIT.slice(0, 10)} Raise the scanner rate limit to 200/ssigned by ops@example.org · SHA256:W8mYgpqUspwRoRAYB949pM1uqG+5T/esSDCEpXAJ6fg`);
    expect(await drifted.getByTestId('deployment-verification').textContent()).toBe('verified');
    expect(await drifted.getByTestId('deployment-reconcile').textContent()).toBe('up to date');
    expect(await drifted.getByTestId('deployment-drift').textContent()).toBe('drift: 2 tasks');
    expect(await drifted.getByTestId('deployment-stale').count()).toBe(0);

    const stale = page.locator('[data-testid="deployment-row"][data-node="vigil-scanner-1"]');
    expect(await stale.getAttribute('data-stale')).toBe('true');
    expect(await stale.getByTestId('deployment-stale').textContent()).toBe('stale');
    expect(await stale.getByTestId('deployment-drift').textContent()).toBe('in sync');
    expect(await stale.textContent()).toContain('3 h ago');

    await drifted.getByTestId('deployment-toggle').click();
    const details = page.locator('[data-testid="deployment-details"][data-node="vigil-console-1"]');
    await details.waitFor();
    const tasks = details.getByTestId('deployment-task');
    expect(await tasks.count()).toBe(2);
    expect(await tasks.nth(0).locator('strong').textContent()).toBe('Write the console environment');
    expect(await tasks.nth(0).getByTestId('deployment-task-diff').textContent()).toContain('-VIGIL_LOG_LEVEL=debug # edited by hand');
    expect(await tasks.nth(1).getByTestId('deployment-task-diff').textContent()).toContain('+PasswordAuthentication no');
    expect(await details.getByTestId('deployment-run').count()).toBe(1);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('settings-deployment'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);

  it('is neither a tab nor a page for an auditor', async () => {
    const context = await session!.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    try {
      const other = await context.newPage();
      other.setDefaultTimeout(TIMEOUT);
      collectPageErrors(other, pageErrors);
      await signIn(other, consoleServer!.url, auditor, '/settings/units');
      await other.getByTestId('settings-tabs').waitFor();
      expect(await other.getByTestId('settings-tab-deployment').count()).toBe(0);
      await other.goto(url('/settings/deployment'), { waitUntil: 'load' });
      expect(await other.getByTestId('deployment-error').textContent()).toContain('your role does not allow this (settings:manage)');
      expect(await other.getByTestId('deployment-row').count()).toBe(0);
    } finally {
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
