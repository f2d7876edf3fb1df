import { MongoClient } from 'mongodb';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { httpsGet, startConsole, type RunningConsole } from '../helpers/console';
import { createAccount, type TestAccount } from '../helpers/sign-in';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';

const TIMEOUT = 60_000;
const PERIOD = 30;

/**
 * The code an authenticator app would show for a time step after `afterStep` (the last one the
 * server accepted): the server takes the current step and the next, and refuses replays.
 */
async function nextTotpCode(secret: string, afterStep: number): Promise<{ code: string; step: number }> {
  for (;;) {
    const current = Math.floor(Date.now() / 1000 / PERIOD);
    const step = Math.max(current, afterStep + 1);
    if (step <= current + 1) return { code: await generate({ secret, epoch: step * PERIOD }), step };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('console sign-in, second factor and administration pages', () => {
  const { uri } = testDatabaseUri();
  let consoleServer: RunningConsole;
  let session: BrowserSession | undefined;
  let page: Page;
  let admin: TestAccount;
  let totpSecret = '';
  let lastStep = 0;
  let recoveryCodes: string[] = [];
  const pageErrors: string[] = [];
  const url = (path: string) => `${consoleServer.url}${path}`;
  const pathOf = () => {
    const current = new URL(page.url());
    return `${current.pathname}${current.search}`;
  };
  const signOut = async () => {
    await page.getByTestId('sign-out').click();
    await page.waitForURL((target) => target.pathname === '/login');
    await page.getByTestId('login-form').waitFor();
  };

  beforeAll(async () => {
    consoleServer = await startConsole({ mongodbUri: uri });
    admin = await createAccount(consoleServer, { email: 'ada@vigil.test', name: 'Ada Admin', mongodbUri: uri });
    session = await launchBrowser();
    page = await session.context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    // Bad input, refused sign-ins and forbidden pages answer 400/401/403 on purpose; the browser logs them as failed resources.
    collectPageErrors(page, pageErrors, { consoleErrors: { refusedStatuses: [400, 401, 403, 429] } });
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await consoleServer?.stop();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('sends a signed-out visitor to the sign-in page, keeping where they were going', async () => {
    const response = await page.goto(url('/settings/users?x=1'), { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(pathOf()).toBe(`/login?next=${encodeURIComponent('/settings/users?x=1')}`);
    expect(await page.title()).toBe('Sign in · Vigil');
    // No console shell before signing in.
    expect(await page.getByTestId('main-nav').count()).toBe(0);
    expect(await page.getByTestId('sso-buttons').count()).toBe(0);
    // The API is not redirected: it answers 401 itself.
    const api = await page.request.get(url('/api/trpc/auth.me'));
    expect(api.status()).toBe(401);
    // An unrelated (foreign) `next` is ignored.
    await page.goto(url('/login?next=%2F%2Fevil.example%2F'), { waitUntil: 'load' });
    await page.getByTestId('login-form').waitFor();
    await page.screenshot({ path: screenshotPath('login'), fullPage: true });

    // A cookie the server does not recognise (expired, ended, forged) leads to the sign-in page too.
    await session!.context.addCookies([{ name: '__Host-vigil_session', value: 'forged-or-expired', url: consoleServer.url }]);
    await page.goto(url('/kb?q=openssl'), { waitUntil: 'load' });
    expect(pathOf()).toBe(`/login?next=${encodeURIComponent('/kb?q=openssl')}`);
    await page.getByTestId('login-form').waitFor();
    await session!.context.clearCookies();
  }, TIMEOUT);

  it('says so when the password is wrong, and signs in with the right one', async () => {
    await page.goto(url('/login?next=%2Fsettings%2Fusers'), { waitUntil: 'load' });
    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill('not the password at all');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Wrong e-mail or password.');
    expect(await error.getAttribute('data-code')).toBe('UNAUTHENTICATED');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: screenshotPath('login-error'), fullPage: true });

    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((target) => target.pathname === '/settings/users');
    expect(await page.getByTestId('current-user-name').textContent()).toBe('Ada Admin');
    expect(await page.getByTestId('current-user-email').textContent()).toBe(admin.email);
    expect(await page.getByTestId('current-user-role').textContent()).toBe('admin');
    expect(await page.getByTestId('page-title').textContent()).toBe('Settings');
    // Signed in, the sign-in page passes straight on.
    await page.goto(url('/login?next=%2Fkb'), { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/kb');
  }, TIMEOUT);

  it('renders the administration pages: users, business units, roles, tokens, SSO, security', async () => {
    await page.goto(url('/settings'), { waitUntil: 'load' });
    await page.waitForURL((target) => target.pathname === '/settings/users');
    const row = page.locator(`[data-testid="user-row"][data-email="${admin.email}"]`);
    await row.waitFor();
    expect(await row.getByTestId('user-status').textContent()).toBe('Active');
    expect(await page.getByTestId('settings-tabs').locator('a').allTextContents()).toEqual(['Users', 'Business units', 'Roles', 'API tokens', 'Single sign-on', 'Security', 'Webhooks', 'Deployment']);

    // A second user, created through the page.
    await page.getByTestId('user-create-open').click();
    const dialog = page.getByTestId('user-create-dialog');
    await dialog.getByTestId('user-email').fill('alan@vigil.test');
    await dialog.getByTestId('user-name').fill('Alan Analyst');
    await dialog.getByTestId('user-role').selectOption('analyst');
    await dialog.getByTestId('user-password').fill('short');
    await dialog.getByTestId('user-create-submit').click();
    await dialog.getByTestId('user-create-error').waitFor();
    expect(await dialog.getByTestId('user-create-error').textContent()).toContain('at least 12 characters');
    await dialog.getByTestId('user-password').fill('analyse all the things');
    await dialog.getByTestId('user-create-submit').click();
    await page.getByTestId('users-notice').waitFor();
    await expect.poll(() => page.getByTestId('user-row').count()).toBe(2);
    await page.getByTestId('users-search').fill('alan');
    await expect.poll(() => page.getByTestId('user-row').count()).toBe(1);
    await page.getByTestId('users-search').fill('');
    // Edit: a new name; the list shows it.
    await page.locator('[data-testid="user-row"][data-email="alan@vigil.test"]').getByTestId('user-edit-open').click();
    await page.getByTestId('user-edit-dialog').getByTestId('user-name').fill('Alan T. Analyst');
    await page.getByTestId('user-edit-submit').click();
    await expect.poll(() => page.locator('[data-testid="user-row"][data-email="alan@vigil.test"]').locator('th').textContent()).toContain('Alan T. Analyst');
    // An administrator sees a user's sessions (here: their own, this browser).
    await page.locator(`[data-testid="user-row"][data-email="${admin.email}"]`).getByTestId('user-sessions-open').click();
    await expect.poll(() => page.getByTestId('user-session-row').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('user-sessions-dialog').count()).toBe(0);
    await page.getByTestId('nav-settings').hover();
    await page.screenshot({ path: screenshotPath('users'), fullPage: true });

    await page.getByTestId('settings-tab-units').click();
    await page.waitForURL(/\/settings\/units$/);
    await page.getByTestId('unit-row').first().waitFor();
    await page.getByTestId('unit-create-open').click();
    await page.getByTestId('unit-name-input').fill('EMEA');
    await page.getByTestId('unit-submit').click();
    await expect.poll(() => page.getByTestId('unit-row').count()).toBe(2);
    expect(await page.locator('[data-testid="unit-row"][data-depth="1"]').getByTestId('unit-name').textContent()).toBe('EMEA');
    await page.screenshot({ path: screenshotPath('units'), fullPage: true });

    await page.getByTestId('settings-tab-roles').click();
    await page.waitForURL(/\/settings\/roles$/);
    await page.getByTestId('roles-matrix').waitFor();
    expect(await page.getByTestId('role-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role')))).toEqual(['admin', 'manager', 'analyst', 'remediation', 'auditor']);
    const auditRead = page.locator('[data-testid="matrix-row"][data-permission="audit:read"]');
    expect(await auditRead.locator('td[data-granted="true"]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-role')))).toEqual(['admin', 'manager', 'auditor']);
    await page.screenshot({ path: screenshotPath('roles'), fullPage: true });

    await page.getByTestId('settings-tab-tokens').click();
    await page.waitForURL(/\/settings\/tokens$/);
    await page.getByTestId('all-tokens').waitFor();
    await page.getByTestId('settings-tab-sso').click();
    await page.waitForURL(/\/settings\/sso$/);
    await page.getByTestId('sso-empty').waitFor();
    await page.getByTestId('sso-create-open').click();
    await page.getByTestId('sso-mapping-add').click();
    await page.screenshot({ path: screenshotPath('sso-provider-form'), fullPage: true });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('sso-dialog').count()).toBe(0);
    await page.getByTestId('settings-tab-security').click();
    await page.waitForURL(/\/settings\/security$/);
    expect(await page.getByTestId('mfa-policy-off').isChecked()).toBe(true);
  }, 2 * TIMEOUT);

  it('sets up TOTP on the account page and creates an API token after confirming the password', async () => {
    await page.getByTestId('account-link').click();
    await page.waitForURL(/\/account$/);
    expect(await page.getByTestId('page-title').textContent()).toBe('Account');
    expect(await page.getByTestId('mfa-state').textContent()).toBe('Off');
    expect(await page.locator('[data-testid="session-row"][data-current="true"]').count()).toBe(1);

    await page.getByTestId('mfa-enrol-start').click();
    const key = page.getByTestId('totp-manual-key');
    await key.waitFor();
    expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    totpSecret = ((await key.textContent()) ?? '').replace(/\s+/g, '');
    expect(totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByTestId('totp-setup-code').fill('000000');
    await page.getByTestId('totp-setup-submit').click();
    await page.getByTestId('totp-setup-error').waitFor();
    const first = await nextTotpCode(totpSecret, 0);
    await page.getByTestId('totp-setup-code').fill(first.code);
    await page.getByTestId('totp-setup-submit').click();
    await page.getByTestId('recovery-codes').waitFor();
    lastStep = first.step;
    recoveryCodes = await page.getByTestId('recovery-code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await page.screenshot({ path: screenshotPath('account-recovery-codes'), fullPage: true });
    await page.getByTestId('recovery-codes-done').click();
    await expect.poll(() => page.getByTestId('mfa-state').textContent()).toBe('On');
    expect(await page.getByTestId('mfa-codes-left').textContent()).toContain('10');

    // Ten minutes after signing in, sensitive changes ask for the password again.
    const client = new MongoClient(uri);
    try {
      await client.connect();
      await client.db().collection('sessions').updateMany({}, { $set: { reauthenticatedAt: new Date(Date.now() - 60 * 60_000) } });
    } finally {
      await client.close();
    }
    await page.getByTestId('token-name').fill('nightly export');
    await page.getByTestId('token-lifetime').selectOption('30');
    await page.getByTestId('token-create-submit').click();
    const reauth = page.getByTestId('reauth-dialog');
    await reauth.waitFor();
    await reauth.getByTestId('reauth-password').fill('wrong password here');
    await reauth.getByTestId('reauth-submit').click();
    await reauth.getByTestId('reauth-error').waitFor();
    await reauth.getByTestId('reauth-password').fill(admin.password);
    await reauth.getByTestId('reauth-submit').click();
    const created = page.getByTestId('token-created');
    await created.waitFor();
    const token = (await page.getByTestId('token-value').textContent()) ?? '';
    expect(token).toMatch(/^vgl_/);
    const me = await page.request.get(url('/api/v1/me'), { headers: { authorization: `Bearer ${token}` } });
    expect(me.status()).toBe(200);
    await expect.poll(() => page.locator('[data-testid="token-row"][data-name="nightly export"]').getAttribute('data-state')).toBe('active');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('account'), fullPage: true });
    await page.getByTestId('token-created-done').click();

    await page.getByTestId('token-revoke-open').click();
    await page.getByTestId('token-revoke-confirm').click();
    await expect.poll(() => page.locator('[data-testid="token-row"][data-name="nightly export"]').getAttribute('data-state')).toBe('revoked');
    expect((await page.request.get(url('/api/v1/me'), { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

    // A GitOps node's token: the admin role, narrowed to sending deployment reports.
    await page.getByTestId('token-name').fill('node-7 reports');
    await page.getByTestId('token-rights').selectOption('deployment-report');
    await page.getByTestId('token-create-submit').click();
    await page.getByTestId('token-created').waitFor();
    const nodeToken = (await page.getByTestId('token-value').textContent()) ?? '';
    const row = page.locator('[data-testid="token-row"][data-name="node-7 reports"]');
    await expect.poll(() => row.getAttribute('data-state')).toBe('active');
    expect(await row.getByTestId('token-permissions').textContent()).toBe('only deployment:report');
    expect((await page.request.get(url('/api/v1/findings'), { headers: { authorization: `Bearer ${nodeToken}` } })).status()).toBe(403);
    await page.getByTestId('token-created-done').click();
    await page.screenshot({ path: screenshotPath('account-node-token'), fullPage: true });
  }, 3 * TIMEOUT);

  it('signs out, then signs in with password and TOTP code, or with a recovery code', async () => {
    await signOut();
    expect((await page.request.get(url('/api/trpc/auth.me'))).status()).toBe(401);
    await page.goto(url('/account'), { waitUntil: 'load' });
    expect(pathOf()).toBe('/login?next=%2Faccount');

    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('totp-form').waitFor();
    expect(await page.getByTestId('login-card').textContent()).toContain(admin.email);
    // The code just used for the set-up is refused: each time step works once.
    await page.getByTestId('totp-code').fill(await generate({ secret: totpSecret, epoch: lastStep * PERIOD }));
    await page.getByTestId('totp-submit').click();
    await page.getByTestId('totp-error').waitFor();
    expect(await page.getByTestId('totp-error').textContent()).toContain('already been used');
    await page.getByTestId('totp-code').fill('');
    await page.screenshot({ path: screenshotPath('login-totp'), fullPage: true });
    const next = await nextTotpCode(totpSecret, lastStep);
    await page.getByTestId('totp-code').fill(next.code);
    await page.getByTestId('totp-submit').click();
    await page.waitForURL((target) => target.pathname === '/account');
    lastStep = next.step;
    expect(await page.getByTestId('mfa-state').textContent()).toBe('On');

    await signOut();
    await page.getByTestId('login-email').fill(admin.email);
    await page.getByTestId('login-password').fill(admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('use-recovery-code').click();
    await page.getByTestId('recovery-code-input').fill(recoveryCodes[0]!);
    await page.getByTestId('totp-submit').click();
    await page.waitForURL((target) => target.pathname === '/');
    await page.getByTestId('account-link').click();
    await page.waitForURL(/\/account$/);
    await expect.poll(() => page.getByTestId('mfa-codes-left').textContent()).toContain('9');
  }, 3 * TIMEOUT);

  it('shows the audit log with the sign-ins, filters it on the server and exports CSV', async () => {
    await page.getByTestId('nav-audit').click();
    await page.waitForURL(/\/audit$/);
    expect(await page.getByTestId('page-title').textContent()).toBe('Audit log');
    await page.getByTestId('audit-row').first().waitFor();
    const actions = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-action')}:${r.getAttribute('data-outcome')}`));
    expect(actions).toContain('auth.login:success');
    expect(actions).toContain('auth.login:failure');
    expect(actions).toContain('auth.totp:failure');
    expect(actions).toContain('mfa.enrol:success');
    // Newest first.
    const seqs = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    await page.screenshot({ path: screenshotPath('audit'), fullPage: true });

    await page.getByTestId('audit-outcome').selectOption('failure');
    await page.waitForURL(/outcome=failure/);
    await expect.poll(async () => new Set(await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome'))))).toEqual(new Set(['failure']));
    await page.getByTestId('audit-action').fill('auth.login');
    await page.getByTestId('audit-apply').click();
    await page.waitForURL(/action=auth\.login/);
    await expect.poll(() => page.getByTestId('audit-total').textContent()).toBe('1');
    const failed = page.getByTestId('audit-row').first();
    expect(await failed.textContent()).toContain('wrong password');
    await failed.getByTestId('audit-row-toggle').click();
    expect(await page.getByTestId('audit-row-details').textContent()).toMatch(/[0-9a-f]{64}/);

    const href = (await page.getByTestId('audit-export').getAttribute('href')) ?? '';
    expect(href).toBe('/api/audit/export?action=auth.login&outcome=failure');
    const csv = await page.request.get(url(href));
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(csv.headers()['content-disposition']).toMatch(/attachment; filename="vigil-audit-\d{8}-\d{6}\.csv"/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor_type,actor_id,actor_email,action,target_type,target_id,target_label,ip,outcome,reason,details,business_unit,hash');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('auth.login');
    expect(lines[1]).toContain('wrong password');
    // Without a session, the export is refused.
    expect((await httpsGet(url(href))).status).toBe(401);
  }, 2 * TIMEOUT);

  it('makes an analyst set up TOTP at sign-in once the policy requires it, and shows them only what the role allows', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-security').click();
    await page.waitForURL(/\/settings\/security$/);
    await page.getByTestId('mfa-policy-roles').click();
    await page.getByTestId('mfa-policy-role-admin').uncheck();
    await page.getByTestId('mfa-policy-role-analyst').check();
    await page.getByTestId('security-save').click();
    await page.getByTestId('security-saved').waitFor();
    await signOut();

    await page.getByTestId('login-email').fill('alan@vigil.test');
    await page.getByTestId('login-password').fill('analyse all the things');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('enrol-step').waitFor();
    const key = page.getByTestId('totp-manual-key');
    await key.waitFor();
    await page.screenshot({ path: screenshotPath('login-enrol'), fullPage: true });
    const secret = ((await key.textContent()) ?? '').replace(/\s+/g, '');
    // Nothing else is open to a sign-in that must enrol first.
    expect((await page.request.get(url('/api/trpc/auth.me'))).status()).toBe(401);
    await page.getByTestId('totp-setup-code').fill((await nextTotpCode(secret, 0)).code);
    await page.getByTestId('totp-setup-submit').click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-code').count()).toBe(10);
    await page.getByTestId('recovery-codes-done').click();
    await page.waitForURL((target) => target.pathname === '/');
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user-role').textContent()).toBe('analyst');
    const sections = await page.getByTestId('main-nav').locator('[data-nav-item]').evaluateAll((items) => items.map((item) => item.getAttribute('data-nav-item')));
    expect(sections).toContain('knowledgebase');
    expect(sections).not.toContain('audit');
    expect(sections).toContain('settings');
    // Analysts read business units, so Settings holds that one page for them.
    await page.getByTestId('nav-settings').click();
    await page.waitForURL(/\/settings\/units$/);
    expect(await page.getByTestId('settings-tabs').locator('a').allTextContents()).toEqual(['Business units']);
    expect(await page.getByTestId('unit-create-open').count()).toBe(0);
    await page.goto(url('/audit'), { waitUntil: 'load' });
    expect(await page.getByTestId('audit-error').getAttribute('data-code')).toBe('FORBIDDEN');
    expect(pageErrors).toEqual([]);
  }, 2 * TIMEOUT);
});
