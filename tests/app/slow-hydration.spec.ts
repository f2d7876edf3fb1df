import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole, type RunningConsole } from '../helpers/console';
import { createAccount, signIn } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';
import { seedKbAt, seedKbSourcesAt } from '../server/services/kb/kb-seed';

const TIMEOUT = 120_000;
/** Longer than the query client's 5-second staleTime: the server's data is stale before the page hydrates. */
const SCRIPT_DELAY_MS = 6_000;

/**
 * A loaded machine or a slow link can delay the console's scripts by seconds. The pages must still hydrate
 * onto the server's HTML without a mismatch (React #418): queries whose server data went stale meanwhile
 * start fetching during hydration, and nothing that shows the fetch may differ from the server's render (it
 * did: "Refresh" became "Refreshing" on the dashboard and the KB sources page, a text mismatch).
 */
describe('console pages that hydrate slowly', () => {
  const { uri } = testDatabaseUri();
  let consoleServer: RunningConsole | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await seedKbAt(uri);
    await seedKbSourcesAt(uri);
    consoleServer = await startConsole({ mongodbUri: uri });
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    collectPageErrors(page, pageErrors);
    await signIn(page, consoleServer.url, await createAccount(consoleServer, { mongodbUri: uri }));
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await consoleServer?.stop();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('hydrates the dashboard, KB and list pages without a mismatch when their scripts arrive late', async () => {
    await page.route('**/_next/static/chunks/**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, SCRIPT_DELAY_MS));
      await route.continue();
    });
    for (const path of ['/', '/kb/sources', '/kb', '/findings', '/assets', '/audit']) {
      await page.goto(`${consoleServer!.url}${path}`, { waitUntil: 'load' });
      // Hydrated (React has claimed the server's elements), then its refresh done and the loading note cleared.
      await page.waitForFunction(() => Object.keys(document.getElementById('content') ?? {}).some((key) => key.startsWith('__reactFiber')));
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !document.querySelector('.ui-loading:not(:empty)'));
    }
    await page.goto(`${consoleServer!.url}/`, { waitUntil: 'load' });
    await page.getByTestId('system-health').waitFor();
    await page.screenshot({ path: screenshotPath('slow-hydration-dashboard'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 3 * TIMEOUT);
});
