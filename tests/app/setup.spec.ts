import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole, type RunningConsole } from '../helpers/console';
import { restRequest } from '../helpers/rest-client';
import { signIn } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';

const TIMEOUT = 60_000;
const ADMIN = { email: 'first@vigil.test', name: 'First Admin', password: 'Granite-Meadow-Lantern-62' };

/**
 * First boot (issue 8, item 3): a fresh console has no account; the sign-in page points to /setup, where the
 * one-time token from the data directory (what the appliance banner prints) makes the first administrator.
 */
describe('first boot: the first administrator from the one-time setup token', () => {
  const { uri } = testDatabaseUri();
  let consoleServer: RunningConsole;
  let session: BrowserSession | undefined;
  let page: Page;
  let token = '';
  const pageErrors: string[] = [];
  const url = (target: string) => `${consoleServer.url}${target}`;

  const fillSetup = async (values: { token: string; password?: string; confirm?: string }) => {
    await page.getByTestId('setup-token').fill(values.token);
    await page.getByTestId('setup-name').fill(ADMIN.name);
    await page.getByTestId('setup-email').fill(ADMIN.email);
    await page.getByTestId('setup-password').fill(values.password ?? ADMIN.password);
    await page.getByTestId('setup-confirmPassword').fill(values.confirm ?? values.password ?? ADMIN.password);
    await page.getByTestId('setup-submit').click();
  };

  beforeAll(async () => {
    consoleServer = await startConsole({ mongodbUri: uri });
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    // Bad input (400), refused tokens (403) and a second setup (409) on purpose; the browser logs them as failed resources.
    collectPageErrors(page, pageErrors, { consoleErrors: { refusedStatuses: [400, 403, 409] } });
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await consoleServer?.stop();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('writes the token to a 0600 file of the data directory and logs where it is, never the token', () => {
    const file = path.join(consoleServer.dataDir, 'setup-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^([a-z2-7]{4}-){7}[a-z2-7]{4}$/);
    const log = consoleServer.output();
    expect(log).toContain('no account exists yet: create the first administrator at /setup with the one-time setup token from tokenFile');
    expect(log).toContain(`"tokenFile":"${file}"`);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.replace(/-/g, ''));
  });

  it('points from the sign-in page to /setup while no account exists', async () => {
    await page.goto(url('/'), { waitUntil: 'load' });
    await page.waitForURL((target) => target.pathname === '/login');
    const notice = page.getByTestId('setup-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('No account exists yet.');
    await page.screenshot({ path: screenshotPath('setup-login-notice'), fullPage: true });
    await page.getByTestId('setup-link').click();
    await page.waitForURL((target) => target.pathname === '/setup');
    await page.getByTestId('setup-form').waitFor();
    expect(await page.title()).toBe('Set up · Vigil');
  }, TIMEOUT);

  it('refuses a wrong token and a mismatched password with clear messages, creating nothing', async () => {
    await fillSetup({ token: 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg-hhhh' });
    const error = page.getByTestId('setup-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('FORBIDDEN');
    expect(await error.textContent()).toContain('The setup token is wrong or was used already');
    await page.screenshot({ path: screenshotPath('setup-wrong-token'), fullPage: true });

    await fillSetup({ token, confirm: 'Something-else-entirely-1' });
    await page.waitForFunction(() => document.querySelector('[data-testid="setup-error"]')?.getAttribute('data-code') === 'BAD_INPUT');
    expect(await page.getByTestId('setup-confirmPassword-error').textContent()).toBe('Does not match the password.');

    await fillSetup({ token, password: 'too-short' });
    await page.waitForFunction(() => document.querySelector('[data-testid="setup-error"] .alert-message')?.textContent?.includes('at least 12 characters'));
    expect(new URL(page.url()).pathname).toBe('/setup');
    expect(existsSync(path.join(consoleServer.dataDir, 'setup-token'))).toBe(true);
  }, TIMEOUT);

  it('creates the first administrator with the token, spends it, and the administrator signs in', async () => {
    await fillSetup({ token });
    await page.waitForURL((target) => target.pathname === '/login' && target.searchParams.get('setup') === 'done');
    await page.getByTestId('setup-done-notice').waitFor();
    expect(await page.getByTestId('setup-notice').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('setup-done-login'), fullPage: true });
    expect(existsSync(path.join(consoleServer.dataDir, 'setup-token'))).toBe(false);

    await signIn(page, consoleServer.url, ADMIN, '/settings/users');
    expect(await page.getByTestId('current-user-role').textContent()).toBe('admin');
    expect(await page.getByTestId('current-user-name').textContent()).toBe(ADMIN.name);
    await page.locator(`[data-testid="user-row"][data-email="${ADMIN.email}"]`).waitFor();
    const audit = await page.request.get(url('/api/v1/audit?action=admin.setup&outcome=success'));
    expect(audit.status()).toBe(200);
    expect(((await audit.json()) as { total: number }).total).toBe(1);
  }, TIMEOUT);

  it('closes /setup once an account exists: the page says so, the API answers 409', async () => {
    await page.goto(url('/setup'), { waitUntil: 'load' });
    const done = page.getByTestId('setup-done');
    await done.waitFor();
    expect(await done.textContent()).toContain('Vigil is set up');
    expect(await page.getByTestId('setup-form').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('setup-closed'), fullPage: true });

    // As a script without an account would call it.
    expect((await restRequest(url('/api/v1/setup'))).json).toEqual({ setupRequired: false });
    const again = await restRequest(url('/api/v1/setup'), { method: 'POST', body: { token, email: 'late@vigil.test', password: ADMIN.password } });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ message: 'setup is done: an account exists already; sign in at /login' });
    await page.getByTestId('setup-login-link').click();
    await page.waitForURL((target) => target.pathname !== '/setup');
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
