import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingRef } from '../../server/services/findings/finding-ref';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { cleanEnv, runVigil, tempDataDir } from '../helpers/cli';
import { startConsole, type RunningConsole } from '../helpers/console';
import { startOpenSshServer, type OpenSshServer } from '../helpers/openssh-server';
import { enrollTestNode, type TestNode } from '../helpers/scanner-lab';
import { createAccount, signIn, type TestAccount } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';

/**
 * The findings console on findings made by the real path: `vigil kb import` of test advisories for this machine's
 * openssl (Debian tracker DSA list, NVD CVSS, CISA KEV, FIRST EPSS), a real scanner node, an authenticated scan of
 * 127.0.0.1 through Debian's real sshd with a credential from `vigil credentials add`. Loopback only.
 */
const TIMEOUT = 60_000;
const SCAN_TIMEOUT = 240_000;
const TARGET = '127.0.0.1';
const CVES = Array.from({ length: 12 }, (_, i) => `CVE-2099-${String(i + 1).padStart(4, '0')}`);
/** CVSS v3.1 per CVE (the rest have none: severity unknown). */
const CVSS: Record<string, [number, string]> = {
  'CVE-2099-0001': [9.8, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
  'CVE-2099-0002': [7.5, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'],
  'CVE-2099-0003': [5.3, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N'],
  'CVE-2099-0004': [3.1, 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N'],
};
const EPSS: Record<string, number> = { 'CVE-2099-0001': 0.97, 'CVE-2099-0002': 0.61, 'CVE-2099-0003': 0.3, 'CVE-2099-0004': 0.05 };
const OPENSSL_SOURCE_VERSION = execFileSync('dpkg-query', ['-W', '-f', '${source:Version}', 'openssl'], { encoding: 'utf8' }).trim();
/** The installed binary packages built from the openssl source package: one finding per CVE each. */
const OPENSSL_BINARIES = [
  ...new Set(
    execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${source:Package} ${Package}\\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('installed openssl '))
      .map((line) => line.split(' ')[2]!.replace(/:.*$/, '')),
  ),
].sort();
const TOTAL = CVES.length * OPENSSL_BINARIES.length;

function writeTestKb(): string {
  const dir = path.join(tempDataDir(), 'kb');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'DSA-list'), `[01 Dec 2026] DSA-9999-1 openssl - security update\n\t{${CVES.join(' ')}}\n\t[bookworm] - openssl ${OPENSSL_SOURCE_VERSION}+vigil1\n`);
  const nvd = {
    format: 'NVD_CVE',
    version: '2.0',
    vulnerabilities: Object.entries(CVSS).map(([id, [baseScore, vectorString]]) => ({
      cve: {
        id,
        published: '2026-11-01T00:00:00.000',
        lastModified: '2026-11-02T00:00:00.000',
        vulnStatus: 'Analyzed',
        descriptions: [{ lang: 'en', value: `Test vulnerability ${id} in openssl (Vigil browser test).` }],
        metrics: { cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString, baseScore } }] },
      },
    })),
  };
  writeFileSync(path.join(dir, 'nvd-test.json'), JSON.stringify(nvd));
  const kev = {
    title: 'CISA Catalog of Known Exploited Vulnerabilities',
    catalogVersion: '2026.12.01',
    dateReleased: '2026-12-01T00:00:00.000Z',
    count: 1,
    vulnerabilities: [
      {
        cveID: 'CVE-2099-0001',
        vendorProject: 'OpenSSL',
        product: 'OpenSSL',
        vulnerabilityName: 'OpenSSL test vulnerability',
        dateAdded: '2026-11-01',
        shortDescription: 'Test entry.',
        requiredAction: 'Apply updates per vendor instructions.',
        // Past: the KEV due date sets the SLA deadline, so these findings are breached at once.
        dueDate: '2026-11-15',
        knownRansomwareCampaignUse: 'Unknown',
        notes: '',
        cwes: [],
      },
    ],
  };
  writeFileSync(path.join(dir, 'kev-test.json'), JSON.stringify(kev));
  writeFileSync(path.join(dir, 'epss-test.csv'), `#model_version:v2025.03.14,score_date:2026-12-01T00:00:00Z\ncve,epss,percentile\n${Object.entries(EPSS).map(([cve, epss]) => `${cve},${epss},${epss}`).join('\n')}\n`);
  return dir;
}

describe('console findings: list, export, exceptions with four eyes, detail, SLA', () => {
  const { uri } = testDatabaseUri();
  let consoleServer: RunningConsole | undefined;
  let sshd: OpenSshServer | undefined;
  let node: TestNode | undefined;
  let session: BrowserSession | undefined;
  let managerContext: BrowserContext | undefined;
  let page: Page;
  let manager: TestAccount;
  const pageErrors: string[] = [];
  let env: Record<string, string | undefined>;

  const shot = async (target: Page, name: string) => {
    // From the top: a page scrolled by a focused field draws the fixed sidebar mid-way in a full-page capture.
    await target.evaluate(() => window.scrollTo(0, 0));
    await target.screenshot({ path: screenshotPath(name), fullPage: true });
  };
  const settled = (target: Page, testId: string) => expect.poll(() => target.getByTestId(testId).getAttribute('aria-busy')).toBe('false');
  const rows = () => page.getByTestId('finding-row');
  const watch = (target: Page) => {
    // Refusals on purpose (400 too-short justification, 403 four-eyes) are logged by the browser as failed resources.
    collectPageErrors(target, pageErrors, { consoleErrors: { refusedStatuses: [400, 403] } });
  };

  beforeAll(async () => {
    [consoleServer, sshd] = await Promise.all([startConsole({ mongodbUri: uri }), startOpenSshServer()]);
    env = cleanEnv({ VIGIL_DATA_DIR: consoleServer.dataDir, MONGODB_URI: uri });
    const admin = await createAccount(consoleServer, { mongodbUri: uri });
    manager = await createAccount(consoleServer, { mongodbUri: uri, email: 'manager@vigil.test', name: 'Max Manager', role: 'manager' });
    const imported = await runVigil(['kb', 'import', writeTestKb()], { env, timeoutMs: 120_000 });
    expect(imported.code, imported.stderr).toBe(0);
    const credential = await runVigil(['credentials', 'add', '--name', 'lab-ssh', '--type', 'ssh-password', '--username', sshd.user], { env, input: sshd.password });
    expect(credential.code, credential.stderr).toBe(0);
    const token = await runVigil(['scanner', 'token', 'create', '--name', 'findings-lab', '--json'], { env });
    expect(token.code, token.stderr).toBe(0);
    node = await enrollTestNode({ console: { url: consoleServer.url }, token: (JSON.parse(token.stdout) as { token: string }).token, name: 'findings-node' });
    node.start();
    const created = await runVigil(['scan', 'create', '--name', 'ssh-lab', '--targets', TARGET, '--ports', String(sshd.port), '--credential', 'lab-ssh'], { env });
    expect(created.code, created.stderr).toBe(0);
    const launched = await runVigil(['scan', 'launch', 'ssh-lab', '--wait', '--json', '--timeout', '200'], { env, timeoutMs: 220_000 });
    expect(launched.code, `${launched.stderr}\n${node.logs().slice(-4000)}`).toBe(0);
    expect((JSON.parse(launched.stdout) as { run: { status: string } }).run.status).toBe('completed');

    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    watch(page);
    await signIn(page, consoleServer.url, admin);
  }, SCAN_TIMEOUT + 3 * TIMEOUT);

  afterAll(async () => {
    await node?.stop('SIGKILL');
    await managerContext?.close();
    await session?.close();
    await sshd?.stop();
    await consoleServer?.stop();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('shows the scanned asset with its packages and open findings', async () => {
    await page.getByTestId('nav-assets').click();
    await page.getByTestId('asset-link').first().click();
    await page.waitForURL(/\/assets\/[\w-]+$/);
    expect(await page.getByTestId('asset-addresses').textContent()).toContain(TARGET);
    expect(await page.locator('[data-testid="asset-finding-row"][data-status="new"]').count()).toBe(TOTAL);
    expect(await page.locator('#asset-packages-title').textContent()).toMatch(/^\d{2,} packages$/);
    await page.getByTestId('asset-packages-filter').fill('libssl3');
    expect(await page.getByTestId('asset-packages-table').textContent()).toContain(OPENSSL_SOURCE_VERSION);
    await shot(page, 'findings-asset');
  }, TIMEOUT);

  it('lists the findings with a severity chart, pages them and keeps filters and sort in the URL', async () => {
    await page.getByTestId('nav-findings').click();
    await page.waitForURL(/\/findings$/);
    expect(await page.getByTestId('page-title').textContent()).toBe('Findings');
    expect(await page.getByTestId('findings-total').textContent()).toBe(String(TOTAL));
    const bars = page.getByTestId('findings-severity-bars');
    expect(await bars.getAttribute('data-total')).toBe(String(TOTAL));
    expect(await bars.locator('[data-severity="critical"]').getAttribute('data-count')).toBe(String(OPENSSL_BINARIES.length));
    expect(await bars.locator('[data-severity="unknown"]').getAttribute('data-count')).toBe(String((CVES.length - 4) * OPENSSL_BINARIES.length));
    // Riskiest first: the critical KEV one (risk capped at 100).
    expect(await rows().first().getAttribute('data-vuln')).toBe('CVE-2099-0001');
    expect(await rows().first().getByTestId('finding-risk').getAttribute('data-risk')).toBe('100');
    await shot(page, 'findings-list');

    await page.getByTestId('findings-page-size').selectOption('25');
    await page.waitForURL(/size=25/);
    await settled(page, 'findings-results');
    expect(await rows().count()).toBe(25);
    expect(await page.getByTestId('findings-range').textContent()).toBe(`1–25 of ${TOTAL}`);
    await page.getByTestId('findings-page-next').click();
    await page.waitForURL(/page=2/);
    await settled(page, 'findings-results');
    await expect.poll(() => rows().count()).toBe(TOTAL - 25);

    await page.getByTestId('findings-sort-epss').click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'epss' && !url.searchParams.has('page'));
    await settled(page, 'findings-results');
    expect(await rows().evaluateAll((list) => list.slice(0, 4).map((row) => row.getAttribute('data-vuln')))).toEqual(Array(OPENSSL_BINARIES.length).fill('CVE-2099-0001').concat(['CVE-2099-0002']).slice(0, 4));

    const filterCount = async (testId: string, value: string, expected: number, urlPart: RegExp) => {
      await page.getByTestId(`findings-filter-${testId}`).selectOption(value);
      await page.waitForURL(urlPart);
      await settled(page, 'findings-results');
      await expect.poll(() => page.getByTestId('findings-total').textContent()).toBe(String(expected));
    };
    await filterCount('severity', 'high', OPENSSL_BINARIES.length, /severity=high/);
    expect(await rows().evaluateAll((list) => [...new Set(list.map((row) => row.getAttribute('data-vuln')))])).toEqual(['CVE-2099-0002']);
    await filterCount('severity', '', TOTAL, /^(?!.*severity=)/);
    await filterCount('kev', 'true', OPENSSL_BINARIES.length, /kev=true/);
    await filterCount('sla', 'breached', OPENSSL_BINARIES.length, /sla=breached/);
    await page.getByTestId('findings-reset').click();
    await page.waitForURL((url) => !url.searchParams.has('kev') && !url.searchParams.has('sla'));

    await page.getByTestId('findings-filter-epssMin').fill('0.5');
    await page.getByTestId('findings-filter-pkg').fill('libssl3');
    await page.getByTestId('findings-apply').click();
    await page.waitForURL(/epssMin=0\.5/);
    await settled(page, 'findings-results');
    await expect.poll(() => page.getByTestId('findings-total').textContent()).toBe('2');
    expect(await rows().evaluateAll((list) => list.map((row) => `${row.getAttribute('data-vuln')} ${row.getAttribute('data-package')}`).sort())).toEqual(['CVE-2099-0001 libssl3', 'CVE-2099-0002 libssl3']);
    await shot(page, 'findings-list-filtered');

    // Back restores the previous view from the URL.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('epssMin'));
    await expect.poll(() => page.getByTestId('findings-total').textContent()).toBe(String(TOTAL));
  }, 2 * TIMEOUT);

  it('exports the filtered findings as CSV: the same rows as the list', async () => {
    await page.goto(`${consoleServer!.url}/findings?pkg=libssl3&size=50`);
    await settled(page, 'findings-results');
    const listed = await rows().evaluateAll((list) => list.map((row) => row.getAttribute('data-id')!).sort());
    expect(listed).toHaveLength(CVES.length);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('findings-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^vigil-findings-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]!.startsWith('id,asset,asset_id,vulnerability,')).toBe(true);
    expect(lines.slice(1).map((line) => line.split(',')[0]!).sort()).toEqual(listed);
    expect(lines.slice(1).every((line) => line.includes(`,libssl3,openssl,${OPENSSL_SOURCE_VERSION},${OPENSSL_SOURCE_VERSION}+vigil1,`))).toBe(true);
    // The export is in the audit log, with the filters that chose the rows.
    const audit = await page.request.get(`${consoleServer!.url}/api/v1/audit?action=findings.export`);
    expect(audit.status()).toBe(200);
    const entries = ((await audit.json()) as { items: { action: string; outcome: string; details: Record<string, unknown> }[] }).items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'findings.export', outcome: 'success', details: { package: 'libssl3' } });
  }, TIMEOUT);

  it('saves a view in this browser and opens it again', async () => {
    await page.getByTestId('findings-view-save').click();
    await page.getByTestId('findings-view-name').fill('libssl3 only');
    await page.getByTestId('findings-view-store').click();
    await page.getByTestId('findings-reset').click();
    await page.waitForURL(/\/findings$/);
    await page.getByTestId('findings-view-select').selectOption('libssl3 only');
    await page.waitForURL(/pkg=libssl3/);
    await expect.poll(() => page.getByTestId('findings-total').textContent()).toBe(String(CVES.length));
  }, TIMEOUT);

  it('requests an exception for selected findings; the server’s refusal shows under the field', async () => {
    await page.goto(`${consoleServer!.url}/findings?cve=CVE-2099-0004`);
    await settled(page, 'findings-results');
    expect(await rows().count()).toBe(OPENSSL_BINARIES.length);
    await page.getByTestId('findings-select-page').check();
    expect(await page.getByTestId('findings-selected').getAttribute('data-count')).toBe(String(OPENSSL_BINARIES.length));
    await page.getByTestId('findings-bulk-exception').click();
    await page.getByTestId('exception-justification').fill('too short');
    await page.getByTestId('exception-request-submit').click();
    await page.locator('#exception-justification-error').waitFor();
    expect(await page.locator('#exception-justification-error').textContent()).toMatch(/at least 10 characters/);
    await shot(page, 'findings-exception-request-invalid');

    await page.getByTestId('exception-justification').fill('Only reachable from the management VLAN; compensating control in place.');
    await page.getByTestId('exception-request-submit').click();
    await page.getByTestId('exception-request-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('findings-notice').textContent()).toContain(`Exception requested for ${OPENSSL_BINARIES.length} findings`);
    // Requested is not yet approved: the findings are still open, without an exception state, and not selectable again.
    await expect.poll(() => page.getByTestId('finding-select').count()).toBe(0);
    expect(await page.getByTestId('finding-exception-state').count()).toBe(0);
  }, TIMEOUT);

  it('refuses the requester’s own approval (four eyes), as the server words it', async () => {
    await page.getByTestId('findings-tab-exceptions').click();
    await page.waitForURL(/\/findings\/exceptions$/);
    const row = page.getByTestId('exception-row').first();
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('requested');
    expect(await row.getByTestId('exception-findings').getAttribute('data-count')).toBe(String(OPENSSL_BINARIES.length));
    await row.getByTestId('exception-approve').click();
    await page.getByTestId('exception-confirm-confirm').click();
    const error = page.getByTestId('exception-confirm-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('FORBIDDEN');
    expect((await error.textContent())?.toLowerCase()).toMatch(/own|requester|four/);
    await shot(page, 'findings-exception-four-eyes');
    await page.keyboard.press('Escape');
    expect(await row.getAttribute('data-status')).toBe('requested');
  }, TIMEOUT);

  it('lets a manager approve it', async () => {
    managerContext = await session!.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    const managerPage = await managerContext.newPage();
    managerPage.setDefaultTimeout(TIMEOUT);
    watch(managerPage);
    await signIn(managerPage, consoleServer!.url, manager, '/findings/exceptions');
    const row = managerPage.getByTestId('exception-row').first();
    await row.waitFor();
    await row.getByTestId('exception-approve').click();
    await managerPage.getByTestId('exception-note').fill('Reviewed with the network team.');
    await managerPage.getByTestId('exception-confirm-confirm').click();
    await managerPage.getByTestId('exception-confirm').waitFor({ state: 'detached' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('approved');
    expect(await row.textContent()).toContain('manager@vigil.test');
    await shot(managerPage, 'findings-exceptions-approved');
  }, TIMEOUT);

  it('shows the finding with its evidence, history, risk, SLA and the approved exception', async () => {
    await page.goto(`${consoleServer!.url}/findings?cve=CVE-2099-0004&exception=risk-accepted`);
    await settled(page, 'findings-results');
    await expect.poll(() => rows().count()).toBe(OPENSSL_BINARIES.length);
    await page.locator('[data-testid="finding-row"][data-package="libssl3"]').getByTestId('finding-link').click();
    await page.waitForURL(/\/findings\/[\w-]+$/);
    expect(await page.getByTestId('finding-vuln').textContent()).toBe('CVE-2099-0004');
    expect(await page.getByTestId('finding-versions').textContent()).toBe(`${OPENSSL_SOURCE_VERSION} → ${OPENSSL_SOURCE_VERSION}+vigil1`);
    expect(await page.getByTestId('finding-addresses').textContent()).toContain(TARGET);
    expect(await page.getByTestId('finding-kb-link').getAttribute('href')).toBe('/kb/CVE-2099-0004');
    expect(await page.getByTestId('finding-exception-state').getAttribute('data-state')).toBe('risk-accepted');
    const exception = page.getByTestId('finding-exception-row');
    expect(await exception.getAttribute('data-status')).toBe('approved');
    expect(await exception.textContent()).toContain('Reviewed with the network team.');
    await page.getByTestId('finding-history-first-seen').waitFor();
    await shot(page, 'findings-detail');

    // REST: the same finding by its base64url id; the static /findings/… paths are not taken for ids.
    const id = await page.getByTestId('finding').getAttribute('data-id');
    const rest = await page.request.get(`${consoleServer!.url}/api/v1/findings/${findingRef(id!)}`);
    expect(rest.status()).toBe(200);
    expect(((await rest.json()) as { id: string; exceptions: unknown[] }).exceptions).toHaveLength(1);
    expect((await page.request.get(`${consoleServer!.url}/api/v1/findings/sla`)).status()).toBe(200);
    expect((await page.request.get(`${consoleServer!.url}/api/v1/findings/${findingRef('no|such finding')}`)).status()).toBe(404);
  }, TIMEOUT);

  it('shows the SLA matrix and the breached findings', async () => {
    await page.getByTestId('findings-tab-sla').click();
    await page.waitForURL(/\/findings\/sla$/);
    expect(await page.getByTestId('sla-total-breached').textContent()).toBe(String(OPENSSL_BINARIES.length));
    expect(await page.locator('[data-testid="sla-row"][data-severity="critical"] [data-state="breached"]').getAttribute('data-count')).toBe(String(OPENSSL_BINARIES.length));
    expect(await page.getByTestId('sla-breached-row').count()).toBe(OPENSSL_BINARIES.length);
    await shot(page, 'findings-sla');
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
