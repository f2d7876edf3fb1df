import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT_BUSINESS_UNIT_ID } from '../../server/auth/scope';
import { embeddedDbStatus } from '../../server/db/embedded-db';
import { BusinessUnitModel } from '../../server/models/business-unit.model';
import { FindingModel } from '../../server/models/finding.model';
import { RemediationTicketModel } from '../../server/models/remediation-ticket.model';
import { UserModel } from '../../server/models/user.model';
import type { Runtime } from '../../server/runtime/runtime';
import { recordHostResult } from '../../server/services/assets/record-host-result';
import { findingRef } from '../../server/services/findings/finding-ref';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { startConsole, type RunningConsole } from '../helpers/console';
import { closeRuntime, openTestRuntime } from '../helpers/runtime';
import { createAccount, signIn, type TestAccount } from '../helpers/sign-in';
import { seedKb } from '../server/services/kb/kb-seed';
import { labHostResult } from '../server/services/tickets/lab-host-result';
import { eventually, startWebhookReceiver, type WebhookReceiver } from '../server/services/webhooks/webhook-receiver';

/**
 * The remediation console on a real console (embedded FerretDB): findings recorded through the real services
 * (host results of the lab inventory), then through the pages: the findings list's business-unit and age filters,
 * webhooks added in the settings (secret once) with their deliveries to receivers on 127.0.0.1, tickets created from
 * selected findings and from a finding's page, worked (status, comment) and resolved by the next scan result, the
 * tickets list with its URL state, and what other roles may not do.
 */
const TIMEOUT = 60_000;
const DAY_MS = 86_400_000;
const ALLOWED_TARGETS = '127.0.0.1/32';

describe('console tickets and webhooks', () => {
  let consoleServer: RunningConsole | undefined;
  let session: BrowserSession | undefined;
  let runtime: Runtime;
  let page: Page;
  let fixer: TestAccount;
  let auditor: TestAccount;
  const otherContexts: BrowserContext[] = [];
  const receivers: WebhookReceiver[] = [];
  const pageErrors: string[] = [];
  const assets = { old: '', emea: '', recent: '' };
  let ticketId = '';

  const url = (target: string) => `${consoleServer!.url}${target}`;
  const shot = async (target: Page, name: string) => {
    // From the top: a page scrolled by a focused field draws the fixed sidebar mid-way in a full-page capture.
    await target.evaluate(() => window.scrollTo(0, 0));
    await target.screenshot({ path: screenshotPath(name), fullPage: true });
  };
  /** Waits for what the page fetches; generous, as the machine is shared (a wait, not a timing assertion). */
  const poll = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: TIMEOUT / 2 });
  const settled = (target: Page, testId: string) => poll(() => target.getByTestId(testId).getAttribute('aria-busy')).toBe('false');
  const watch = (target: Page) => {
    // The refused due date (400) is on purpose; the browser logs it as a failed resource.
    collectPageErrors(target, pageErrors, { consoleErrors: { refusedStatuses: [400] } });
  };
  const openFindings = (assetId: string) => FindingModel.countDocuments({ assetId, status: { $in: ['new', 'active', 'reopened'] } });
  /** A host result of the lab inventory, recorded as the scan path records it, `daysAgo` in the past. */
  const record = async (options: { n: number; unit: string; daysAgo?: number; vulnerable?: boolean }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - (options.daysAgo ?? 0) * DAY_MS));
    try {
      const result = labHostResult({ address: `127.0.0.${90 + options.n}`, fingerprint: `SHA256:ticketsHost${options.n}${'T'.repeat(32)}`, vulnerable: options.vulnerable ?? true });
      return (await recordHostResult({ encryption: runtime.encryption, businessUnitId: options.unit, runId: `run-${options.n}-${Date.now()}`, result }))!.assetId;
    } finally {
      vi.useRealTimers();
    }
  };
  const signedInPage = async (account: TestAccount) => {
    const context = await session!.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    otherContexts.push(context);
    const other = await context.newPage();
    other.setDefaultTimeout(TIMEOUT);
    watch(other);
    await signIn(other, consoleServer!.url, account);
    return other;
  };

  beforeAll(async () => {
    // The receivers are on 127.0.0.1: loopback, which webhooks reach only when the configuration allows it — for the
    // console and for this process, whose recorded results send events too.
    consoleServer = await startConsole({ env: { VIGIL_WEBHOOK_ALLOWED_TARGETS: ALLOWED_TARGETS } });
    const admin = await createAccount(consoleServer);
    fixer = await createAccount(consoleServer, { email: 'fixer@vigil.test', name: 'Fay Fixer', role: 'remediation' });
    auditor = await createAccount(consoleServer, { email: 'auditor@vigil.test', name: 'Otto Auditor', role: 'auditor' });
    // The console's embedded database (named vigil, as the runtime names it) and master key: what this process writes, the console reads.
    const embedded = await embeddedDbStatus({ dataDir: consoleServer.dataDir });
    runtime = await openTestRuntime({ uri: `${embedded.uri!.replace(/\/+$/, '')}/vigil`, masterKeyFile: path.join(consoleServer.dataDir, 'master.key'), env: { VIGIL_WEBHOOK_ALLOWED_TARGETS: ALLOWED_TARGETS } });
    await seedKb();
    await BusinessUnitModel.updateOne({ _id: 'emea' }, { $set: { name: 'EMEA', parentId: ROOT_BUSINESS_UNIT_ID, ancestors: [ROOT_BUSINESS_UNIT_ID] } }, { upsert: true });
    assets.old = await record({ n: 1, unit: ROOT_BUSINESS_UNIT_ID, daysAgo: 40 });
    assets.emea = await record({ n: 2, unit: 'emea' });
    assets.recent = await record({ n: 3, unit: ROOT_BUSINESS_UNIT_ID });
    expect(await openFindings(assets.old)).toBeGreaterThan(0);
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    watch(page);
    await signIn(page, consoleServer.url, admin);
  }, 4 * TIMEOUT);

  afterAll(async () => {
    for (const context of otherContexts) await context.close();
    await session?.close();
    for (const receiver of receivers) await receiver.close();
    await closeRuntime();
    await consoleServer?.stop();
  }, TIMEOUT);

  it('filters the findings list by business unit (with the units below it) and by age, kept in the URL', async () => {
    await page.getByTestId('nav-findings').click();
    await page.waitForURL(/\/findings$/);
    const all = (await openFindings(assets.old)) + (await openFindings(assets.emea)) + (await openFindings(assets.recent));
    expect(await page.getByTestId('findings-total').textContent()).toBe(String(all));

    await page.getByTestId('findings-filter-unit').selectOption('emea');
    await page.waitForURL(/unit=emea/);
    await settled(page, 'findings-results');
    expect(await page.getByTestId('findings-total').textContent()).toBe(String(await openFindings(assets.emea)));
    await page.getByTestId('findings-filter-unit').selectOption(ROOT_BUSINESS_UNIT_ID);
    await page.waitForURL(/unit=root/);
    await settled(page, 'findings-results');
    expect(await page.getByTestId('findings-total').textContent()).toBe(String(all));

    await page.getByTestId('findings-filter-age').selectOption('30');
    await page.waitForURL(/age=30/);
    await settled(page, 'findings-results');
    expect(await page.getByTestId('findings-total').textContent()).toBe(String(await openFindings(assets.old)));
    expect(await page.getByTestId('findings-open-total').textContent()).toBe(String(await openFindings(assets.old)));
    expect(await page.locator(`[data-testid="finding-row"]`).evaluateAll((rows) => [...new Set(rows.map((row) => row.querySelector('td a')?.getAttribute('href')))])).toEqual([`/assets/${assets.old}`]);
    expect(await page.getByTestId('findings-export').getAttribute('href')).toContain('age=30');
    await shot(page, 'tickets-findings-filters');

    // A link typed by hand with an age out of range opens the unfiltered list.
    await page.goto(url('/findings?age=99999&unit=emea'), { waitUntil: 'load' });
    expect(await page.getByTestId('findings-filter-age').inputValue()).toBe('');
    expect(await page.getByTestId('findings-total').textContent()).toBe(String(await openFindings(assets.emea)));
  }, TIMEOUT);

  it('adds webhooks in the settings: the signing secret is shown once, never again', async () => {
    const [up, down] = [await startWebhookReceiver(), await startWebhookReceiver()];
    receivers.push(up, down);
    down.answers.push(...Array.from({ length: 20 }, () => 500));
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-webhooks').click();
    await page.waitForURL(/\/settings\/webhooks$/);
    await page.getByTestId('webhooks-empty').waitFor();

    // Refused first: a plain http URL off this machine.
    await page.getByTestId('webhook-name').fill('Ticketing bridge');
    await page.getByTestId('webhook-url').fill('http://hooks.example.org/vigil');
    await page.getByTestId('webhook-create-submit').click();
    expect(await page.getByTestId('webhook-url-error').textContent()).toMatch(/https:\/\//);
    expect(await page.getByTestId('webhook-row').count()).toBe(0);
    // Then loopback beyond what the configuration allows (127.0.0.1/32): the target policy names why.
    await page.getByTestId('webhook-url').fill(up.url.replace('127.0.0.1', '[::1]'));
    await page.getByTestId('webhook-create-submit').click();
    await poll(() => page.getByTestId('webhook-create-error').textContent()).toContain('Refused as a webhook target: [::1] is a loopback address');
    expect(await page.getByTestId('webhook-row').count()).toBe(0);
    await shot(page, 'webhooks-target-refused');

    await page.getByTestId('webhook-url').fill(up.url);
    await page.getByTestId('webhook-create-submit').click();
    const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[\w-]{40,}$/);
    up.secret = secret;
    await page.getByTestId('webhook-row').first().waitFor();
    expect(await page.getByTestId('webhook-row').first().getByTestId('webhook-url-value').textContent()).toBe(up.url);
    await shot(page, 'webhooks-created');
    await page.getByTestId('webhook-created-done').click();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);

    await page.getByTestId('webhook-name').fill('Down receiver');
    await page.getByTestId('webhook-url').fill(down.url);
    await page.getByTestId('webhook-event-finding.new').uncheck();
    await page.getByTestId('webhook-create-submit').click();
    down.secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    await page.getByTestId('webhook-created-done').click();
    await poll(() => page.getByTestId('webhook-row').count()).toBe(2);

    await page.reload({ waitUntil: 'load' });
    await poll(() => page.getByTestId('webhook-row').count()).toBe(2);
    const html = await page.content();
    expect(html).not.toContain(up.secret);
    expect(html).not.toContain(down.secret);
  }, TIMEOUT);

  it('refuses a ticket due in the past, then creates one from selected findings', async () => {
    const count = await openFindings(assets.old);
    await page.goto(url(`/findings?asset=${assets.old}`), { waitUntil: 'load' });
    await poll(() => page.getByTestId('finding-row').count()).toBe(count);
    await page.getByTestId('findings-select-page').check();
    expect(await page.getByTestId('findings-selected').getAttribute('data-count')).toBe(String(count));
    await page.getByTestId('findings-bulk-ticket').click();
    const dialog = page.getByTestId('ticket-create-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('ticket-title').fill('Upgrade OpenSSH on the old host');
    await dialog.getByTestId('ticket-description').fill('Install the bookworm security update, then rescan.');
    const fixerId = String((await UserModel.findOne({ email: fixer.email }, { _id: 1 }).lean())!._id);
    await poll(() => dialog.getByTestId('ticket-assignee').locator(`option[value="${fixerId}"]`).count()).toBe(1);
    await dialog.getByTestId('ticket-assignee').selectOption(fixerId);
    const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
    await dialog.getByTestId('ticket-due').fill(yesterday);
    await dialog.getByTestId('ticket-create-submit').click();
    expect(await dialog.getByTestId('ticket-create-error').textContent()).toContain('The due date must be in the future');
    expect(await RemediationTicketModel.countDocuments({})).toBe(0);

    const due = new Date(Date.now() + 14 * DAY_MS).toISOString().slice(0, 10);
    await dialog.getByTestId('ticket-due').fill(due);
    await dialog.getByTestId('ticket-create-submit').click();
    await page.waitForURL(/\/tickets\/[\da-f-]{36}$/);
    ticketId = new URL(page.url()).pathname.split('/').pop()!;
    const ticket = page.getByTestId('ticket');
    await ticket.waitFor();
    expect(await ticket.getAttribute('data-status')).toBe('open');
    expect(await page.getByTestId('ticket-title').textContent()).toBe('Upgrade OpenSSH on the old host');
    expect(await page.getByTestId('ticket-assignee').textContent()).toBe(fixer.email);
    expect(await page.getByTestId('ticket-due').textContent()).toContain(`${due} 23:59`);
    expect(await page.getByTestId('ticket-description').textContent()).toBe('Install the bookworm security update, then rescan.');
    expect(await page.getByTestId('ticket-verification').textContent()).toContain('waiting for the next scan result');
    const links = await page.getByTestId('ticket-finding-link').evaluateAll((elements) => elements.map((element) => element.getAttribute('href')));
    const ids = (await FindingModel.find({ assetId: assets.old }, { _id: 1 }).lean()).map((finding) => `/findings/${findingRef(finding._id)}`);
    expect(links.sort()).toEqual(ids.sort());
    await poll(() => page.getByTestId('ticket-history-entry').evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-action')))).toEqual(['ticket.create']);
    expect(await page.getByTestId('ticket-history').textContent()).toContain(`Created with ${count} finding`);
  }, TIMEOUT);

  it('works the ticket (status, comment) and shows it resolved by the next scan result, with its history', async () => {
    await page.getByTestId('ticket-set-in-progress').click();
    await poll(() => page.getByTestId('ticket').getAttribute('data-status')).toBe('in-progress');
    expect(await page.getByTestId('ticket-notice').textContent()).toBe('The ticket is in progress.');
    await page.getByTestId('ticket-comment-text').fill('Maintenance window on Thursday night.');
    await page.getByTestId('ticket-comment-submit').click();
    await poll(() => page.getByTestId('ticket-comment').count()).toBe(1);
    expect(await page.getByTestId('ticket-comment').textContent()).toContain('Maintenance window on Thursday night.');
    await poll(() => page.getByTestId('ticket-history-entry').count()).toBe(3);

    // The next scan result of the host no longer shows the package: its findings are fixed, the ticket resolves.
    await record({ n: 1, unit: ROOT_BUSINESS_UNIT_ID, vulnerable: false });
    await page.reload({ waitUntil: 'load' });
    expect(await page.getByTestId('ticket').getAttribute('data-status')).toBe('resolved');
    expect(await page.getByTestId('ticket-verification').getAttribute('data-remaining')).toBe('0');
    expect(await page.getByTestId('ticket-verification').textContent()).toContain('every finding fixed');
    expect(await page.getByTestId('ticket-finding-row').evaluateAll((rows) => [...new Set(rows.map((row) => row.getAttribute('data-status')))])).toEqual(['fixed']);
    expect(await page.getByTestId('ticket-history-entry').evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-action')))).toEqual(['ticket.create', 'ticket.update', 'ticket.comment', 'ticket.resolve']);
    const history = (await page.getByTestId('ticket-history').textContent()) ?? '';
    expect(history).toContain('Status Open → In progress');
    expect(history).toContain('Resolved by a scan result: every finding fixed');
    expect(await page.getByTestId('ticket-set-open').isVisible()).toBe(true);
    await shot(page, 'ticket-detail-resolved');
  }, TIMEOUT);

  it('creates a ticket from a finding’s page and lists it there', async () => {
    const finding = (await FindingModel.findOne({ assetId: assets.recent }, { _id: 1, vulnId: 1 }).lean())!;
    await page.goto(url(`/findings/${findingRef(finding._id)}`), { waitUntil: 'load' });
    await page.getByTestId('finding-tickets-empty').waitFor();
    await page.getByTestId('finding-create-ticket').click();
    const dialog = page.getByTestId('ticket-create-dialog');
    expect(await dialog.getByTestId('ticket-title').inputValue()).toBe(`Fix ${finding.vulnId} on 127.0.0.93`);
    await dialog.getByTestId('ticket-create-submit').click();
    await page.waitForURL(/\/tickets\/[\da-f-]{36}$/);
    expect(await page.getByTestId('ticket-finding-row').count()).toBe(1);
    await page.getByTestId('ticket-finding-link').click();
    await page.waitForURL(/\/findings\/[\w-]+$/);
    await poll(() => page.getByTestId('finding-ticket-row').count()).toBe(1);
    expect(await page.getByTestId('finding-ticket-row').textContent()).toContain(`Fix ${finding.vulnId}`);
    await shot(page, 'finding-detail-tickets');
  }, TIMEOUT);

  it('lists the tickets with status, assignee and asset filters and sorting, all in the URL', async () => {
    await page.getByTestId('nav-tickets').click();
    await page.waitForURL(/\/tickets$/);
    expect(await page.getByTestId('page-title').textContent()).toBe('Tickets');
    await poll(() => page.getByTestId('ticket-row').count()).toBe(2);
    expect(await page.getByTestId('tickets-total').textContent()).toBe('2');

    await page.getByTestId('tickets-filter-status').selectOption('resolved');
    await page.waitForURL(/status=resolved/);
    await settled(page, 'tickets-results');
    expect(await page.getByTestId('ticket-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).toEqual([ticketId]);
    expect(await page.getByTestId('ticket-verification').textContent()).toContain('all fixed');

    await page.getByTestId('tickets-reset').click();
    await page.waitForURL(/\/tickets$/);
    const fixerId = String((await UserModel.findOne({ email: fixer.email }, { _id: 1 }).lean())!._id);
    await page.getByTestId('tickets-filter-assignee').selectOption(fixerId);
    await page.waitForURL(new RegExp(`assignee=${fixerId}`));
    await settled(page, 'tickets-results');
    expect(await page.getByTestId('ticket-row').count()).toBe(1);
    await page.getByTestId('tickets-reset').click();
    await page.getByTestId('tickets-filter-asset').selectOption(assets.recent);
    await page.waitForURL(/asset=/);
    await settled(page, 'tickets-results');
    expect(await page.getByTestId('ticket-row').locator('a').textContent()).toMatch(/^Fix /);

    await page.getByTestId('tickets-reset').click();
    await page.getByTestId('tickets-sort-title').click();
    await page.waitForURL(/sort=title&dir=asc/);
    await settled(page, 'tickets-results');
    expect(await page.getByTestId('ticket-link').allTextContents()).toEqual([expect.stringMatching(/^Fix CVE-/), 'Upgrade OpenSSH on the old host']);
    await page.getByTestId('tickets-sort-title').click();
    await page.waitForURL(/sort=title&dir=desc/);
    await settled(page, 'tickets-results');
    expect((await page.getByTestId('ticket-link').allTextContents())[0]).toBe('Upgrade OpenSSH on the old host');
    await page.goBack();
    await page.waitForURL(/dir=asc/);
    await settled(page, 'tickets-results');
    expect((await page.getByTestId('ticket-link').allTextContents())[1]).toBe('Upgrade OpenSSH on the old host');
    await shot(page, 'tickets-list');
  }, TIMEOUT);

  it('shows each webhook’s deliveries: delivered and signed, or failing with attempts and the next retry', async () => {
    const [up, down] = receivers as [WebhookReceiver, WebhookReceiver];
    await eventually(() => up.calls.some((call) => call.event === 'ticket.resolved'), TIMEOUT / 2);
    expect(up.calls.length).toBeGreaterThan(0);
    expect(up.calls.every((call) => call.signatureValid)).toBe(true);
    await page.goto(url('/settings/webhooks'), { waitUntil: 'load' });
    const rowOf = (name: string) => page.locator(`[data-testid="webhook-row"][data-name="${name}"]`);
    await rowOf('Ticketing bridge').getByTestId('webhook-deliveries-toggle').click();
    const delivered = page.locator('[data-testid="webhook-delivery-row"][data-event="ticket.created"]');
    await poll(() => delivered.count()).toBe(2);
    expect(await delivered.first().getAttribute('data-status')).toBe('delivered');
    expect(await delivered.first().getByTestId('webhook-delivery-attempts').textContent()).toBe('1');
    await shot(page, 'webhooks-deliveries');

    await rowOf('Down receiver').getByTestId('webhook-deliveries-toggle').click();
    const failing = page.locator('[data-testid="webhook-delivery-row"][data-event="ticket.created"]');
    await poll(() => failing.count()).toBe(2);
    expect(await failing.first().getAttribute('data-status')).toBe('pending');
    expect(await failing.first().getByTestId('webhook-delivery-next').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await failing.first().getByTestId('webhook-delivery-error').textContent()).toContain('receiver down for maintenance');
    expect(down.calls.every((call) => call.event !== 'finding.new')).toBe(true);
    await shot(page, 'webhooks-deliveries-failing');

    await rowOf('Down receiver').getByTestId('webhook-delete-open').click();
    await page.getByTestId('webhook-delete-confirm').click();
    await poll(() => page.getByTestId('webhook-row').count()).toBe(1);
    expect(await page.getByTestId('webhooks-notice').textContent()).toBe('“Down receiver” is deleted.');
  }, TIMEOUT);

  it('offers each role only what it may do: remediation creates tickets, an auditor only reads', async () => {
    const fixerPage = await signedInPage(fixer);
    await fixerPage.goto(url(`/findings?asset=${assets.emea}`), { waitUntil: 'load' });
    await fixerPage.getByTestId('findings-bulk').waitFor();
    expect(await fixerPage.getByTestId('findings-bulk-ticket').count()).toBe(1);
    expect(await fixerPage.getByTestId('findings-bulk-exception').count()).toBe(0);
    await fixerPage.goto(url(`/tickets/${ticketId}`), { waitUntil: 'load' });
    expect(await fixerPage.getByTestId('ticket-actions').count()).toBe(1);
    expect(await fixerPage.getByTestId('settings-tab-webhooks').count()).toBe(0);

    const auditorPage = await signedInPage(auditor);
    await auditorPage.goto(url('/findings'), { waitUntil: 'load' });
    await auditorPage.getByTestId('findings-results').waitFor();
    expect(await auditorPage.getByTestId('findings-bulk').count()).toBe(0);
    expect(await auditorPage.getByTestId('finding-select').count()).toBe(0);
    await auditorPage.goto(url(`/tickets/${ticketId}`), { waitUntil: 'load' });
    await auditorPage.getByTestId('ticket-history').waitFor();
    expect(await auditorPage.getByTestId('ticket-actions').count()).toBe(0);
    expect(await auditorPage.getByTestId('ticket-comment-form').count()).toBe(0);
    expect(await auditorPage.getByTestId('ticket-comment').count()).toBe(1);
    // The tickets list works without the assignees' e-mails (tickets.assignees needs findings:remediate).
    await auditorPage.goto(url('/tickets'), { waitUntil: 'load' });
    await poll(() => auditorPage.getByTestId('ticket-row').count()).toBe(2);
    expect(await auditorPage.getByTestId('tickets-filter-assignee').locator('option').allTextContents()).toEqual(['Anyone']);
    await auditorPage.goto(url('/settings/webhooks'), { waitUntil: 'load' });
    expect(await auditorPage.getByTestId('webhooks-error').getAttribute('data-code')).toBe('FORBIDDEN');
    await shot(auditorPage, 'ticket-auditor-settings');
    expect(pageErrors).toEqual([]);
  }, 2 * TIMEOUT);
});
