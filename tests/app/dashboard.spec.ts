import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { ROOT_BUSINESS_UNIT_ID } from '../../server/auth/scope';
import { embeddedDbStatus } from '../../server/db/embedded-db';
import { ACTIONABLE_FINDING_FILTER, FindingModel } from '../../server/models/finding.model';
import type { Runtime } from '../../server/runtime/runtime';
import { recordHostResult } from '../../server/services/assets/record-host-result';
import { carryFindingTrends } from '../../server/services/trends/carry-finding-trends';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole } from '../helpers/console';
import { closeRuntime, openTestRuntime } from '../helpers/runtime';
import { createAccount, signIn } from '../helpers/sign-in';
import { seedKb } from '../server/services/kb/kb-seed';
import { labHostResult } from '../server/services/tickets/lab-host-result';

const TIMEOUT = 60_000;

const SECTIONS = [
  ['dashboard', 'Dashboard'],
  ['assets', 'Assets'],
  ['scans', 'Scans'],
  ['findings', 'Findings'],
  ['tickets', 'Tickets'],
  ['knowledgebase', 'KnowledgeBase'],
  ['compliance', 'Compliance'],
  ['reports', 'Reports'],
  ['scanners', 'Scanners'],
  ['audit', 'Audit log'],
  ['settings', 'Settings'],
] as const;

/** Sections of this release; the others are shown disabled, as coming later. */
const BUILT: Record<string, string> = { dashboard: '/', assets: '/assets', scans: '/scans', findings: '/findings', tickets: '/tickets', knowledgebase: '/kb', scanners: '/scanners', audit: '/audit', settings: '/settings' };

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const DAY_MS = 86_400_000;
/**
 * Findings through the real path (recorded host results, so the trend hook runs) over the last weeks: the clock of
 * this process is set back for each step. Then the trend job, as its schedule would run it.
 */
async function seedFindings(runtime: Runtime): Promise<void> {
  await seedKb();
  const record = async (daysAgo: number, hosts: number[], vulnerable: boolean) => {
    const then = new Date(Date.now() - daysAgo * DAY_MS);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(then);
    try {
      for (const n of hosts) await recordHostResult({ encryption: runtime.encryption, businessUnitId: ROOT_BUSINESS_UNIT_ID, runId: `run-${daysAgo}-${n}`, result: labHostResult({ address: `127.0.0.${60 + n}`, fingerprint: `SHA256:dashboardHost${n}${'A'.repeat(30)}`, vulnerable }) });
    } finally {
      vi.useRealTimers();
    }
  };
  await record(60, [1, 2, 3], true);
  await record(40, [4, 5], true);
  await record(30, [1], false);
  await record(12, [1, 6], true);
  await record(5, [2], false);
  await record(0, [7], true);
  await carryFindingTrends();
}

describe('console dashboard', () => {
  let consoleServer: Awaited<ReturnType<typeof startConsole>> | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    consoleServer = await startConsole();
    const account = await createAccount(consoleServer);
    // The console's embedded database (named vigil, as the runtime names it) and master key: what this process writes, the console reads.
    const embedded = await embeddedDbStatus({ dataDir: consoleServer.dataDir });
    const uri = `${embedded.uri!.replace(/\/+$/, '')}/vigil`;
    await seedFindings(await openTestRuntime({ uri, masterKeyFile: path.join(consoleServer.dataDir, 'master.key') }));
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    collectPageErrors(page, pageErrors, { consoleErrors: { refusedStatuses: [] } });
    await signIn(page, consoleServer.url, account);
    expect(new URL(page.url()).pathname).toBe('/');
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await closeRuntime();
    await consoleServer?.stop();
  }, TIMEOUT);

  it('lists the sections, with only the built ones (Dashboard, Assets, Scans, Findings, Tickets, KnowledgeBase, Scanners, Audit log, Settings) enabled', async () => {
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
    expect(await page.locator('aside a[href]').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['/', '/', '/assets', '/scans', '/findings', '/tickets', '/kb', '/scanners', '/audit', '/settings']);

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

  it('shows the findings overview from the trends the recorded results made: severities, 90 days, KEV, SLA, top lists', async () => {
    const open = await FindingModel.find({ businessUnitId: ROOT_BUSINESS_UNIT_ID, ...ACTIONABLE_FINDING_FILTER }, { assetId: 1, vulnId: 1, kev: 1, slaDueAt: 1 }).lean();
    expect(open.length).toBeGreaterThan(0);
    expect(await page.getByTestId('dash-open-value').textContent()).toBe(String(open.length));
    expect(Number(await page.getByTestId('dash-severity-bars').getAttribute('data-total'))).toBe(open.length);
    const kev = open.filter((finding) => finding.kev);
    expect(await page.getByTestId('dash-kev-value').textContent()).toBe(String(kev.length));
    expect(await page.getByTestId('dash-kev').textContent()).toContain(`on ${new Set(kev.map((finding) => finding.assetId)).size} assets`);
    const breached = open.filter((finding) => finding.slaDueAt && finding.slaDueAt.getTime() < Date.now()).length;
    expect(breached).toBeGreaterThan(0);
    expect(await page.getByTestId('dash-sla-value').textContent()).toBe(String(breached));
    expect(await page.getByTestId('dash-mttr-value').textContent()).toMatch(/^\d+\.\d (h|d)$/);

    const trend = page.getByTestId('dash-trend-open');
    expect(await trend.getAttribute('data-days')).toBe('90');
    expect(await trend.locator('polyline').count()).toBe(4);
    // Fixes on two days and reopenings on one, as recorded.
    expect(await page.getByTestId('dash-trend-flow').locator('[data-series="fixed"] rect').count()).toBe(2);
    expect(await page.getByTestId('dash-trend-flow').locator('[data-series="reopened"] rect').count()).toBe(1);

    const assets = page.getByTestId('dash-top-asset');
    expect(await assets.count()).toBe(new Set(open.map((finding) => finding.assetId)).size);
    expect(await assets.first().locator('a').getAttribute('href')).toMatch(/^\/assets\/[^/]+$/);
    const vulns = page.getByTestId('dash-top-vuln');
    expect(await vulns.count()).toBe(new Set(open.map((finding) => finding.vulnId)).size);
    const topVuln = await vulns.first().locator('a').getAttribute('href');
    expect(topVuln).toMatch(/^\/kb\/CVE-/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('dashboard-findings'), fullPage: true });
  }, TIMEOUT);

  it('renders without browser errors and is captured in a screenshot', async () => {
    await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
