import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole, type RunningConsole } from '../helpers/console';
import { enrollTestNode, type TestNode } from '../helpers/scanner-lab';
import { createAccount, signIn } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';

const TIMEOUT = 60_000;
const RUN_TIMEOUT = 120_000;
/** Loopback only: the scan never leaves this machine. */
const TARGET = '127.0.0.1';
const LAB_TITLE = 'Scanning lab portal';

describe('console scanning: scanner nodes, scans, runs, assets', () => {
  const { uri } = testDatabaseUri();
  let consoleServer: RunningConsole | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let webServer: http.Server | undefined;
  let webPort = 0;
  let node: TestNode | undefined;
  let token = '';
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true });

  beforeAll(async () => {
    webServer = http.createServer((_req, res) => res.writeHead(200, { server: 'nginx/1.22.1', 'content-type': 'text/html' }).end(`<html><head><title>${LAB_TITLE}</title></head><body>lab</body></html>`));
    await new Promise<void>((resolve) => webServer!.listen(0, TARGET, resolve));
    webPort = (webServer.address() as AddressInfo).port;
    consoleServer = await startConsole({ mongodbUri: uri });
    const account = await createAccount(consoleServer, { mongodbUri: uri });
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    // The invalid scan is refused with 400 on purpose; the browser logs that as a failed resource.
    collectPageErrors(page, pageErrors, { consoleErrors: { refusedStatuses: [400] } });
    await signIn(page, consoleServer.url, account);
  }, 3 * TIMEOUT);

  afterAll(async () => {
    if (node && pageErrors.length > 0) console.warn(`scanner node output:\n${node.logs().slice(-4000)}`);
    await node?.stop();
    await session?.close();
    await consoleServer?.stop();
    webServer?.close();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('creates an enrolment token in the UI and shows it, with the enrol command, exactly once', async () => {
    await page.getByTestId('nav-scanners').click();
    await page.waitForURL(/\/scanners$/);
    expect(await page.getByTestId('page-title').textContent()).toBe('Scanners');
    await page.getByTestId('scanners-empty').waitFor();

    await page.getByTestId('scanner-token-open').click();
    await page.getByTestId('scanner-token-name').fill('lab node');
    await page.getByTestId('scanner-token-submit').click();
    const value = page.getByTestId('scanner-token-value');
    await value.waitFor();
    token = (await value.textContent()) ?? '';
    expect(token).toMatch(/^\S+\.[0-9a-f]{64}$/);
    expect(await page.getByTestId('scanner-enrol-command').textContent()).toBe(`echo ${token} | npx vigil scanner enroll --server ${consoleServer!.url} --token-stdin`);
    await shot('scanning-token');

    await page.getByTestId('scanner-token-done').click();
    await page.getByTestId('scanner-token-dialog').waitFor({ state: 'detached' });
    // Opening the dialog again offers a new token; the old one is nowhere on the page any more.
    await page.getByTestId('scanner-token-open').click();
    await page.getByTestId('scanner-token-name').waitFor();
    expect(await page.getByTestId('scanner-token-value').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    await page.keyboard.press('Escape');
    await page.getByTestId('scanner-token-dialog').waitFor({ state: 'detached' });
  }, TIMEOUT);

  it('lists the node enrolled with that token once it runs: online, active, its version', async () => {
    node = await enrollTestNode({ console: { url: consoleServer!.url }, token, name: 'lab-node' });
    node.start();
    const row = page.locator('[data-testid="scanner-row"][data-name="lab-node"]');
    await row.waitFor({ timeout: TIMEOUT });
    await expect.poll(() => row.getByTestId('scanner-online').getAttribute('data-online'), { timeout: TIMEOUT }).toBe('true');
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.getByTestId('scanner-heartbeat').textContent()).not.toBe('never');
    await shot('scanning-scanners');
  }, 2 * TIMEOUT);

  it('refuses an invalid scan with the server’s messages under the fields, then creates a loopback scan', async () => {
    await page.getByTestId('nav-scans').click();
    await page.waitForURL(/\/scans$/);
    await page.getByTestId('scans-empty').waitFor();
    await page.getByTestId('scan-create-open').click();
    await page.getByTestId('scan-name').fill('loopback web');
    await page.getByTestId('scan-targets').fill(TARGET);
    await page.getByTestId('scan-ports').fill('80-70000');
    await page.getByTestId('scan-schedule').fill('every night');
    await page.getByTestId('scan-create-submit').click();
    await page.locator('#scan-ports-error').waitFor();
    expect(await page.locator('#scan-ports-error').textContent()).toMatch(/not a port/);
    expect(await page.locator('#scan-schedule-error').textContent()).toMatch(/cron/);
    expect(await page.getByTestId('scan-ports').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('scan-create-error').getAttribute('data-code')).toBe('BAD_INPUT');
    await shot('scanning-scan-invalid');

    await page.getByTestId('scan-ports').fill(String(webPort));
    await page.getByTestId('scan-schedule').fill('');
    await page.getByTestId('scan-create-submit').click();
    await page.getByTestId('scan-create-dialog').waitFor({ state: 'detached' });
    const row = page.locator('[data-testid="scan-row"][data-name="loopback web"]');
    await row.waitFor();
    expect(await page.getByTestId('scans-notice').textContent()).toContain('loopback web is created');
    expect(await row.textContent()).toContain('never');
  }, TIMEOUT);

  it('launches the scan and follows the run live until it completes', async () => {
    await page.locator('[data-testid="scan-row"][data-name="loopback web"]').getByTestId('scan-launch').click();
    await page.waitForURL(/\/scans\/runs\/[\w-]+$/);
    expect(await page.getByTestId('run-hosts-total').textContent()).toBe('1');
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: RUN_TIMEOUT, interval: 1000 }).toBe('completed');
    expect(await page.getByTestId('run-hosts-done').textContent()).toBe('1');
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    const host = page.locator(`[data-testid="run-host-row"][data-address="${TARGET}"]`);
    expect(await host.getByTestId('run-host-ports').textContent()).toBe('1');
    expect(await host.textContent()).toContain('lab-node');
    // A finished run offers no pause, resume or cancel.
    expect(await page.getByTestId('run-pause').count()).toBe(0);
    expect(await page.getByTestId('run-cancel').count()).toBe(0);
    await shot('scanning-run');

    await page.getByTestId('nav-scans').click();
    const row = page.locator('[data-testid="scan-row"][data-name="loopback web"]');
    await expect.poll(() => row.getByTestId('scan-run-status').getAttribute('data-status')).toBe('completed');
    await row.getByTestId('scan-history-toggle').click();
    await page.getByTestId('scan-history').waitFor();
    expect(await page.getByTestId('scan-history-row').count()).toBe(1);
    await shot('scanning-scans');
  }, RUN_TIMEOUT + TIMEOUT);

  it('opens the asset from the run and shows the HTTP service the scan found', async () => {
    await page.getByTestId('scan-history-row').getByTestId('scan-run-link').click();
    await page.waitForURL(/\/scans\/runs\//);
    await page.locator(`[data-testid="run-host-row"][data-address="${TARGET}"]`).getByTestId('run-host-asset').click();
    await page.waitForURL(/\/assets\/[\w-]+$/);
    expect(await page.getByTestId('page-title').textContent()).toBe('Assets');
    expect(await page.getByTestId('asset-addresses').textContent()).toContain(TARGET);
    const service = page.locator(`[data-testid="asset-service-row"][data-port="${webPort}"]`);
    await service.waitFor();
    expect(await service.getAttribute('data-name')).toBe('http');
    expect(await service.getByTestId('asset-service-http').textContent()).toContain(LAB_TITLE);
    expect(await service.textContent()).toContain('nginx');
    expect(await page.getByTestId('asset-hostkey-banner').count()).toBe(0);
    await shot('scanning-asset');
  }, TIMEOUT);

  it('lists the asset, with the search kept in the URL', async () => {
    await page.getByTestId('nav-assets').click();
    await page.waitForURL(/\/assets$/);
    await page.locator('[data-testid="asset-row"]').first().waitFor();
    expect(await page.getByTestId('assets-total').textContent()).toBe('1');
    await page.getByTestId('assets-search').fill('127.0.0');
    await page.getByTestId('assets-apply').click();
    await page.waitForURL(/\/assets\?q=127\.0\.0$/);
    await expect.poll(async () => (await page.getByTestId('assets-results').getAttribute('aria-busy')) === 'false' && page.getByTestId('asset-row').count()).toBe(1);
    await shot('scanning-assets');

    await page.getByTestId('assets-search').fill('no-such-host');
    await page.getByTestId('assets-apply').click();
    await page.getByTestId('assets-empty').waitFor();
    await page.goBack();
    await page.waitForURL(/\/assets\?q=127\.0\.0$/);
    await expect.poll(() => page.getByTestId('asset-row').count()).toBe(1);
    expect(await page.getByTestId('assets-search').inputValue()).toBe('127.0.0');
  }, TIMEOUT);

  it('disables and enables the node, each after a confirmation', async () => {
    await page.getByTestId('nav-scanners').click();
    const row = page.locator('[data-testid="scanner-row"][data-name="lab-node"]');
    await row.getByTestId('scanner-disable').click();
    const dialog = page.getByTestId('scanner-confirm');
    expect(await dialog.textContent()).toContain('Disable lab-node?');
    await page.getByTestId('scanner-confirm-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('disabled');
    expect(await page.getByTestId('scanners-notice').textContent()).toBe('lab-node is disabled.');
    await shot('scanning-scanner-disabled');

    await row.getByTestId('scanner-enable').click();
    await page.getByTestId('scanner-confirm-confirm').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('active');
    expect(await row.getByTestId('scanner-revoke').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
