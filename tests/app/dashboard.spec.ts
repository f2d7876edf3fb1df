import { readFileSync } from 'node:fs';
import type { Page, Response } from 'playwright-core';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole } from '../helpers/console';
import { createAccount, signIn } from '../helpers/sign-in';

const TIMEOUT = 60_000;

const SECTIONS = [
  ['dashboard', 'Dashboard'],
  ['assets', 'Assets'],
  ['scans', 'Scans'],
  ['findings', 'Findings'],
  ['knowledgebase', 'KnowledgeBase'],
  ['compliance', 'Compliance'],
  ['reports', 'Reports'],
  ['scanners', 'Scanners'],
  ['audit', 'Audit log'],
  ['settings', 'Settings'],
] as const;

/** Sections of this release; the others are shown disabled, as coming later. */
const BUILT: Record<string, string> = { dashboard: '/', assets: '/assets', scans: '/scans', knowledgebase: '/kb', scanners: '/scanners', audit: '/audit', settings: '/settings' };

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('console dashboard', () => {
  let consoleServer: Awaited<ReturnType<typeof startConsole>> | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    consoleServer = await startConsole();
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await signIn(page, consoleServer.url, await createAccount(consoleServer));
    expect(new URL(page.url()).pathname).toBe('/');
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await consoleServer?.stop();
  }, TIMEOUT);

  it('lists the sections, with only the built ones (Dashboard, Assets, Scans, KnowledgeBase, Scanners, Audit log, Settings) enabled', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    expect(await nav.locator('[data-nav-item]').count()).toBe(SECTIONS.length);
    expect(await nav.locator('[data-nav-item]').evaluateAll((items) => items.map((item) => item.getAttribute('data-nav-item')))).toEqual(
      SECTIONS.map(([id]) => id),
    );

    const dashboard = page.getByTestId('nav-dashboard');
    expect(await dashboard.evaluate((element) => element.tagName)).toBe('A');
    expect(await dashboard.getAttribute('href')).toBe('/');
    expect(await dashboard.getAttribute('aria-current')).toBe('page');
    expect(await dashboard.getAttribute('aria-disabled')).toBeNull();
    await expect.poll(() => page.getByRole('link', { name: 'Dashboard', exact: true }).count()).toBe(1);

    for (const [id, href] of Object.entries(BUILT)) {
      const item = page.getByTestId(`nav-${id}`);
      expect(await item.evaluate((element) => element.tagName), `${id} is a link`).toBe('A');
      expect(await item.getAttribute('href')).toBe(href);
    }

    for (const [id, label] of SECTIONS.filter(([id]) => !(id in BUILT))) {
      const item = page.getByTestId(`nav-${id}`);
      expect(await item.isVisible(), `${label} visible`).toBe(true);
      expect(await item.evaluate((element) => element.tagName), `${label} is not a link element`).not.toBe('A');
      expect(await item.getAttribute('href'), `${label} has no href`).toBeNull();
      expect(await item.getAttribute('aria-disabled'), `${label} disabled`).toBe('true');
      expect(await item.getAttribute('title'), `${label} tooltip`).toMatch(/later release/);
      expect(await item.textContent(), `${label} soon marker`).toContain('soon');
      // Accessible name is the section's label.
      expect(await page.getByRole('link', { name: label, exact: true, disabled: true }).count(), `${label} accessible name`).toBe(1);
    }
    // Only the built sections (and the brand, which leads to the dashboard) navigate anywhere.
    expect(await page.locator('aside a[href]').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['/', '/', '/assets', '/scans', '/kb', '/scanners', '/audit', '/settings']);

    expect(await page.getByTestId('page-title').textContent()).toBe('Dashboard');
    expect(await page.title()).toBe('Dashboard · Vigil');
  }, TIMEOUT);

  it('shows the system status: version, database backend, reachability', async () => {
    const card = page.getByTestId('system-status');
    await card.waitFor();
    expect(await card.getByTestId('system-version').textContent()).toBe(packageVersion);
    const backend = (await card.getByTestId('db-backend').textContent()) ?? '';
    expect(backend).toMatch(/^(FerretDB|MongoDB)\b/);
    expect(backend).toMatch(/SQLite|PostgreSQL|MongoDB/);
    expect(backend).not.toMatch(/unknown/);
    expect(await card.getByTestId('db-reachable').textContent()).toBe('Reachable');
    expect(await card.getByTestId('db-latency').textContent()).toMatch(/^\d+(\.\d)? ms$/);
    expect(await card.getByTestId('system-uptime').textContent()).toMatch(/^\d+ (d|h|min|s)\b/);
    expect(await card.getByTestId('system-node').textContent()).toBe(process.version);
    expect(await card.getByTestId('enc-master-key').textContent()).toBe('Local key file');
    expect(await card.getByTestId('enc-data-keys').textContent()).toMatch(/^\d+$/);
    expect(await card.getAttribute('data-health')).toBe('ok');
    expect(await page.getByTestId('system-status-error').count()).toBe(0);
  }, TIMEOUT);

  it('refreshes the status through /api/trpc', async () => {
    const isStatusCall = (response: Response) => new URL(response.url()).pathname === '/api/trpc/system.status';
    // The card polls every 10 s; the Refresh button asks at once.
    const next = page.waitForResponse(isStatusCall, { timeout: TIMEOUT });
    await page.getByTestId('system-status-refresh').click();
    const response = await next;
    expect(response.status()).toBe(200);
    const body = (await response.json()) as Array<{ result?: { data?: { version?: string } } }>;
    expect(body[0]?.result?.data?.version).toBe(packageVersion);
    await expect.poll(() => page.getByTestId('system-status-refresh').isEnabled(), { timeout: TIMEOUT }).toBe(true);
    expect(await page.getByTestId('system-status').getAttribute('data-health')).toBe('ok');
  }, TIMEOUT);

  it('renders without browser errors and is captured in a screenshot', async () => {
    await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
