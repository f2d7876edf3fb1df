import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole, type RunningConsole } from '../helpers/console';
import { startFeedServer, type FeedServer } from '../helpers/feed-server';
import { fixture } from '../helpers/fixtures';
import { createAccount, signIn } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';
import { KB_SEED, configureKbSourcesAt, seedKbAt, seedKbSourcesAt } from '../server/services/kb/kb-seed';

const TIMEOUT = 60_000;

describe('console KnowledgeBase', () => {
  const { uri } = testDatabaseUri();
  let consoleServer: RunningConsole | undefined;
  let session: BrowserSession | undefined;
  let page: Page;
  let feed: FeedServer | undefined;
  let account: Awaited<ReturnType<typeof createAccount>>;
  const pageErrors: string[] = [];

  const rowIds = () => page.getByTestId('kb-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  /** The rows once the table shows `count` of them and no request is pending. */
  const settledRows = async (count: number) => {
    await expect.poll(async () => (await page.getByTestId('kb-results').getAttribute('aria-busy')) === 'false' && (await page.getByTestId('kb-row').count()), { timeout: TIMEOUT }).toBe(count);
    return rowIds();
  };
  const searchParams = () => Object.fromEntries(new URL(page.url()).searchParams);

  beforeAll(async () => {
    // The records exist before the console starts; the console then creates its own master key.
    await seedKbAt(uri);
    await seedKbSourcesAt(uri);
    // "Sync now" mirrors every enabled source: only KEV, from a local mirror; nothing leaves the machine.
    feed = await startFeedServer({ '/kev.json': fixture('kev', 'known_exploited_vulnerabilities.subset.json') });
    await configureKbSourcesAt(uri, { kev: [`${feed.url}/kev.json`] });
    consoleServer = await startConsole({ mongodbUri: uri });
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    // The not-found page answers 404 on purpose; the browser logs that as a failed resource.
    collectPageErrors(page, pageErrors, { consoleErrors: { refusedStatuses: [404] } });
    account = await createAccount(consoleServer, { mongodbUri: uri });
    await signIn(page, consoleServer.url, account);
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await consoleServer?.stop();
    await feed?.close();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('opens from the sidebar and lists the records, newest first', async () => {
    const nav = page.getByTestId('nav-knowledgebase');
    expect(await nav.evaluate((element) => element.tagName)).toBe('A');
    expect(await nav.getAttribute('href')).toBe('/kb');
    await nav.click();
    await page.waitForURL(/\/kb$/);
    expect(await page.getByTestId('nav-knowledgebase').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('page-title').textContent()).toBe('KnowledgeBase');
    expect(await page.title()).toBe('KnowledgeBase · Vigil');

    const ids = await settledRows(KB_SEED.length);
    expect(ids[0]).toBe('RUSTSEC-2026-0201');
    expect(ids.at(-1)).toBe('CVE-2014-0160');
    expect(await page.getByTestId('kb-total').textContent()).toBe(String(KB_SEED.length));
    expect(await page.getByTestId('kb-range').textContent()).toBe(`1–${KB_SEED.length} of ${KB_SEED.length}`);
    expect(await page.getByTestId('kb-page-next').isDisabled()).toBe(true);

    const heartbleed = page.locator('[data-testid="kb-row"][data-id="CVE-2014-0160"]');
    expect(await heartbleed.getByTestId('kb-row-vgl').textContent()).toBe('VGL-000002');
    expect(await heartbleed.getByTestId('severity-chip').getAttribute('data-severity')).toBe('high');
    expect(await heartbleed.getByTestId('severity-chip').getAttribute('aria-label')).toBe('High, CVSS v3.1 7.5');
    expect(await heartbleed.getByTestId('kev-badge').count()).toBe(1);
    expect(await heartbleed.textContent()).toContain('94.4%');
    expect(await heartbleed.textContent()).toContain('2014-04-07');
    // The published column is sorted (descending) and says so to assistive technology.
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Published');

    await page.screenshot({ path: screenshotPath('kb-search'), fullPage: true });
  }, TIMEOUT);

  it('searches by package name and by id, keeping the state in the URL', async () => {
    await page.getByTestId('kb-query').fill('openssh');
    await page.getByTestId('kb-query').press('Enter');
    await page.waitForURL(/q=openssh/);
    expect(await settledRows(2)).toEqual(['CVE-2024-6387', 'CVE-2016-0777']);
    // The form re-renders for the new URL and gives the focus back to the search box.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('kb-q');
    expect(await page.getByTestId('kb-filter-summary').textContent()).toContain('“openssh”');

    await page.getByTestId('kb-query').fill('ghsa-7rjr-3q55-vv33');
    await page.getByTestId('kb-search-submit').click();
    await page.waitForURL(/q=ghsa/);
    expect(await settledRows(1)).toEqual(['CVE-2021-45046']);

    await page.getByTestId('kb-query').fill('no-such-package');
    await page.getByTestId('kb-query').press('Enter');
    await expect.poll(() => page.getByTestId('kb-empty').count(), { timeout: TIMEOUT }).toBe(1);
    expect(await page.getByTestId('kb-total').textContent()).toBe('0');

    // Back restores the previous search, form included.
    await page.goBack();
    expect(await settledRows(1)).toEqual(['CVE-2021-45046']);
    expect(await page.getByTestId('kb-query').inputValue()).toBe('ghsa-7rjr-3q55-vv33');

    await page.getByTestId('kb-reset').click();
    await page.waitForURL(/\/kb$/);
    expect(await settledRows(KB_SEED.length)).toHaveLength(KB_SEED.length);
    expect(await page.getByTestId('kb-query').inputValue()).toBe('');
  }, TIMEOUT);

  it('filters by KEV, severity, EPSS and date, and sorts by column', async () => {
    await page.getByTestId('kb-kev-only').check();
    await page.waitForURL(/kev=1/);
    const kev = await settledRows(4);
    expect(new Set(kev)).toEqual(new Set(['CVE-2014-0160', 'CVE-2014-6271', 'CVE-2021-45046', 'CVE-2023-4911']));
    expect(await page.getByTestId('kb-table').getByTestId('kev-badge').count()).toBe(4);

    await page.getByTestId('kb-sort-epss').click();
    await page.waitForURL(/sort=epss/);
    await expect.poll(rowIds, { timeout: TIMEOUT }).toEqual(['CVE-2014-6271', 'CVE-2021-45046', 'CVE-2014-0160', 'CVE-2023-4911']);
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('EPSS');
    await page.getByTestId('kb-sort-epss').click();
    await page.waitForURL(/dir=asc/);
    await expect.poll(rowIds, { timeout: TIMEOUT }).toEqual(['CVE-2023-4911', 'CVE-2014-0160', 'CVE-2021-45046', 'CVE-2014-6271']);

    await page.getByTestId('kb-severity-critical').check();
    await page.waitForURL(/severity=critical/);
    expect(new Set(await settledRows(2))).toEqual(new Set(['CVE-2014-6271', 'CVE-2021-45046']));

    await page.getByTestId('kb-published-from').fill('2020-01-01');
    await page.getByTestId('kb-search-submit').click();
    await page.waitForURL(/from=2020-01-01/);
    expect(await settledRows(1)).toEqual(['CVE-2021-45046']);
    expect(searchParams()).toEqual({ severity: 'critical', kev: '1', from: '2020-01-01', sort: 'epss', dir: 'asc' });

    await page.getByTestId('kb-reset').click();
    await page.getByTestId('kb-epss-min').fill('70');
    await page.getByTestId('kb-epss-max').fill('80');
    await page.getByTestId('kb-epss-max').press('Enter');
    await page.waitForURL(/epssMax=80/);
    expect(new Set(await settledRows(2))).toEqual(new Set(['CVE-2023-38545', 'CVE-2024-6387']));
  }, TIMEOUT);

  it('renders a shared link on the server with its filters applied', async () => {
    const response = await page.goto(`${consoleServer!.url}/kb?kev=1&sort=cvss&dir=desc&eco=deb`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    // Rows are in the server's HTML already, before any client request.
    const html = (await response?.text()) ?? '';
    expect(html).toContain('data-id="CVE-2014-6271"');
    expect(await settledRows(4)).toEqual(['CVE-2014-6271', 'CVE-2021-45046', 'CVE-2023-4911', 'CVE-2014-0160']);
    expect(await page.getByTestId('kb-kev-only').isChecked()).toBe(true);
    expect(await page.getByTestId('kb-ecosystem').inputValue()).toBe('deb');
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('CVSS');
    // Invalid parameters fall back to defaults instead of failing.
    const lenient = await page.goto(`${consoleServer!.url}/kb?severity=bogus&page=-4&size=7&sort=title&epssMin=abc`, { waitUntil: 'load' });
    expect(lenient?.status()).toBe(200);
    expect(await settledRows(KB_SEED.length)).toHaveLength(KB_SEED.length);
  }, TIMEOUT);

  it('opens a vulnerability with its scores, KEV entry, affected packages and provenance', async () => {
    await page.goto(`${consoleServer!.url}/kb?q=log4j-core`, { waitUntil: 'load' });
    await settledRows(1);
    await page.locator('[data-testid="kb-row"][data-id="CVE-2021-45046"]').getByTestId('kb-row-id').click();
    await page.waitForURL(/\/kb\/CVE-2021-45046$/);
    const detail = page.getByTestId('kb-detail');
    await detail.waitFor();
    // Metadata streams in after a client-side navigation.
    await expect.poll(() => page.title(), { timeout: TIMEOUT }).toBe('CVE-2021-45046 · KnowledgeBase · Vigil');
    expect(await page.getByTestId('kb-detail-id').textContent()).toBe('CVE-2021-45046');
    expect(await page.getByTestId('kb-detail-vgl').textContent()).toBe('VGL-000003');
    expect(await page.getByTestId('kb-detail-title').textContent()).toBe('Incomplete fix for Apache Log4j vulnerability');
    expect(await page.getByTestId('kb-detail-aliases').locator('li').allTextContents()).toEqual(['DSA-5022-1', 'GHSA-7rjr-3q55-vv33']);
    expect(await page.getByTestId('kb-cvss-row').count()).toBe(2);
    expect(await page.getByTestId('kb-cvss').textContent()).toContain('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H');
    expect(await page.getByTestId('kb-epss-percentile').textContent()).toBe('99.9th');
    expect(await page.getByTestId('kb-epss-date').textContent()).toBe('2026-08-16');
    expect(await page.getByTestId('kb-kev-due').textContent()).toBe('2023-05-22');
    expect(await page.getByTestId('kb-kev-ransomware').textContent()).toBe('Known');
    expect(await page.getByTestId('kb-kev-action').textContent()).toContain('Apply updates per vendor instructions.');
    expect(await page.getByTestId('kb-cwe').textContent()).toContain('CWE-917');
    const groups = await page.getByTestId('kb-affected-group').evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-label')));
    expect(groups).toEqual(['Debian bullseye', 'Maven', 'Products (CPE)']);
    const maven = page.locator('[data-testid="kb-affected-group"][data-group="e:Maven"]');
    expect(await maven.textContent()).toContain('org.apache.logging.log4j:log4j-core');
    expect(await maven.textContent()).toContain('≥ 2.0-beta9, < 2.12.2');
    expect(await maven.textContent()).toContain('GHSA-7rjr-3q55-vv33');
    const cpe = page.locator('[data-testid="kb-affected-group"][data-group="cpe"]');
    expect(await cpe.locator('[data-status]').getAttribute('data-status')).toBe('vulnerable');
    expect(await cpe.textContent()).toContain('cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*');
    expect(await page.locator('[data-testid="kb-provenance"] tr[data-field="title"]').textContent()).toContain('OSV');
    expect(await page.locator('[data-testid="kb-provenance"] tr[data-field="kev"]').textContent()).toContain('CISA KEV');
    expect(await page.getByTestId('kb-alt-titles').textContent()).toContain('Apache Log4j2 Deserialization of Untrusted Data Vulnerability');
    expect(await page.getByTestId('kb-rejected').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('kb-detail'), fullPage: true });

    // By Vigil id, with distro groups per release and the regreSSHion scores.
    await page.goto(`${consoleServer!.url}/kb/VGL-000001`, { waitUntil: 'load' });
    expect(await page.getByTestId('kb-detail-id').textContent()).toBe('CVE-2024-6387');
    const openssh = await page.getByTestId('kb-affected-group').evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-label')));
    expect(openssh).toEqual(['Alpine v3.20', 'Debian bookworm', 'Ubuntu jammy', 'Ubuntu noble', 'Products (CPE)']);
    expect(await page.getByTestId('kb-affected-card').textContent()).toContain('1:9.2p1-2+deb12u3');
    expect(await page.getByTestId('kb-affected-card').textContent()).toContain('not affected');
    expect(await page.getByTestId('kb-kev').textContent()).toContain('Not in the CISA Known Exploited Vulnerabilities catalog');
    await page.getByTestId('kb-alt-descriptions').locator('summary').click();
    expect(await page.getByTestId('kb-alt-descriptions').textContent()).toContain('incorrectly handled signal management');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('kb-detail-openssh'), fullPage: true });
  }, TIMEOUT);

  it('flags rejected records and answers 404 for unknown ids', async () => {
    await page.goto(`${consoleServer!.url}/kb/CVE-2023-39324`, { waitUntil: 'load' });
    expect(await page.getByTestId('kb-rejected').textContent()).toContain('rejected or withdrawn');
    const missing = await page.goto(`${consoleServer!.url}/kb/CVE-1999-0001`, { waitUntil: 'load' });
    expect(missing?.status()).toBe(404);
    await page.getByTestId('kb-not-found').waitFor();
    expect(await page.getByTestId('kb-not-found').textContent()).toContain('No such vulnerability');
    const malformed = await page.goto(`${consoleServer!.url}/kb/%3Cscript%3E`, { waitUntil: 'load' });
    expect(malformed?.status()).toBe(404);
  }, TIMEOUT);

  it('shows each source with its counts, freshness and last error', async () => {
    await page.goto(`${consoleServer!.url}/kb`, { waitUntil: 'load' });
    await page.getByTestId('kb-tab-sources').click();
    await page.waitForURL(/\/kb\/sources$/);
    const rows = page.getByTestId('kb-source-row');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-source')))).toEqual([
      'nvd',
      'kev',
      'epss',
      'osv',
      'debian-oval',
      'debian-tracker',
      'alpine-secdb',
      'ubuntu-oval',
      'debian-tracker-json',
    ]);
    expect(await page.getByTestId('kb-tab-sources').getAttribute('aria-current')).toBe('page');
    const row = (source: string) => page.locator(`[data-testid="kb-source-row"][data-source="${source}"]`);
    expect(await row('nvd').getByTestId('kb-source-records').textContent()).toBe('1,500');
    expect(await row('nvd').getByTestId('kb-source-freshness').getAttribute('data-freshness')).toBe('fresh');
    expect(await row('osv').getByTestId('kb-source-freshness').getAttribute('data-freshness')).toBe('stale');
    expect(await row('osv').getByTestId('kb-source-problems').textContent()).toBe('2');
    expect(await row('kev').getByTestId('kb-source-last-sync').textContent()).toMatch(/^unchanged \d{4}-\d{2}-\d{2}/);
    expect(await row('nvd').getByTestId('kb-source-last-sync').textContent()).toBe('—');
    expect(await row('debian-oval').getByTestId('kb-source-freshness').getAttribute('data-freshness')).toBe('outdated');
    expect(await row('debian-oval').getByTestId('kb-source-error').textContent()).toContain('unexpected end of bzip2 stream');
    expect(await row('ubuntu-oval').getByTestId('kb-source-freshness').textContent()).toBe('never');
    expect(await page.getByTestId('kb-stat-vulnerabilities').textContent()).toBe(String(KB_SEED.length));
    expect(await page.getByTestId('kb-stat-kev').textContent()).toBe('4');
    expect(await page.getByTestId('kb-stat-stale').textContent()).toBe('2');
    expect(await page.getByTestId('kb-stat-failing').textContent()).toBe('1');
    await page.screenshot({ path: screenshotPath('kb-sources'), fullPage: true });
  }, TIMEOUT);

  it('syncs now from a mirror, with live progress per source', async () => {
    await page.goto(`${consoleServer!.url}/kb/sources`, { waitUntil: 'load' });
    expect(await page.getByTestId('kb-sync-state').getAttribute('data-state')).toBe('none');
    await page.getByTestId('kb-sync-now').click();
    await expect.poll(() => page.getByTestId('kb-sync-state').getAttribute('data-state'), { timeout: TIMEOUT }).toBe('succeeded');
    const kev = page.locator('[data-testid="kb-sync-source"][data-source="kev"]');
    expect(await kev.getAttribute('data-outcome')).toBe('updated');
    expect(await page.getByTestId('kb-sync-source').count()).toBe(1);
    expect(await page.getByTestId('kb-sync-state').textContent()).toContain(`by ${account.email}`);
    await expect
      .poll(() => page.locator('[data-testid="kb-source-row"][data-source="kev"]').getByTestId('kb-source-last-sync').textContent(), { timeout: TIMEOUT })
      .toMatch(/^updated /);
    await page.screenshot({ path: screenshotPath('kb-sync'), fullPage: true });
  }, TIMEOUT);

  it('raised no browser errors', () => {
    expect(pageErrors.join('\n')).toBe('');
  });
});
