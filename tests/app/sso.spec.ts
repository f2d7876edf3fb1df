import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshotPath, type BrowserSession } from '../helpers/browser';
import { dropDatabase, testDatabaseUri } from '../helpers/test-db';
import { PROVIDER_ID, PROVIDER_NAME, SECOPS_UNIT, startSsoTestBed, type SsoTestBed } from '../server/services/sso/sso-test-bed';

const TIMEOUT = 60_000;

/**
 * Single sign-on as a person does it, in headless Chromium: the console's sign-in page, its
 * "Sign in with …" button, the real OpenID provider's own login form, and back to the console
 * signed in with the role and unit the IdP group maps to.
 */
describe('single sign-on in the browser', () => {
  const { uri } = testDatabaseUri();
  let bed: SsoTestBed | undefined;
  let session: BrowserSession | undefined;
  const pageErrors: string[] = [];

  const newPage = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    collectPageErrors(page, pageErrors);
    return page;
  };

  /** From the console's sign-in page through the IdP's login form, as `login`. */
  const signInWithIdp = async (page: Page, login: string) => {
    const consoleUrl = bed!.console.url;
    // Signed out, the dashboard sends the browser to the sign-in page.
    await page.goto(`${consoleUrl}/`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/login');
    const button = page.getByTestId(`sso-${PROVIDER_ID}`);
    expect((await button.textContent())?.trim()).toBe(`Sign in with ${PROVIDER_NAME}`);
    expect(await button.getAttribute('href')).toBe(`/api/auth/oidc/${PROVIDER_ID}/login`);
    await button.click();

    await page.waitForURL((url) => url.origin === bed!.idp.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill(`${login}-password`);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.origin === new URL(consoleUrl).origin);
  };

  beforeAll(async () => {
    bed = await startSsoTestBed({ uri });
    session = await launchBrowser();
  }, 3 * TIMEOUT);

  afterAll(async () => {
    await session?.close();
    await bed?.stop();
    await dropDatabase(uri);
  }, TIMEOUT);

  it('signs in through the IdP and lands on the dashboard with the role its group maps to', async () => {
    const page = await newPage(session!.context);
    await signInWithIdp(page, 'alice');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user-name').textContent()).toBe('Alice Analyst');
    expect(await page.getByTestId('current-user-role').textContent()).toBe('analyst');

    // What the API says about this session: the group "vigil-analysts" → analyst in Security Operations.
    const me = await page.evaluate(async () => {
      const response = await fetch('/api/trpc/auth.me');
      return { status: response.status, body: (await response.json()) as { result?: { data: Record<string, unknown> } } };
    });
    expect(me.status).toBe(200);
    expect(me.body.result?.data).toMatchObject({
      user: { email: 'alice@corp.test', role: 'analyst', businessUnitId: SECOPS_UNIT, authSource: 'oidc' },
      session: { authMethod: 'oidc' },
    });
    await page.screenshot({ path: screenshotPath('sso-signed-in'), fullPage: true });
  }, 2 * TIMEOUT);

  it('brings a user without a mapped group back to the sign-in page with the reason', async () => {
    const context = await session!.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    try {
      const page = await newPage(context);
      await signInWithIdp(page, 'bob');
      const landed = new URL(page.url());
      expect(landed.pathname).toBe('/login');
      expect(landed.searchParams.get('error')).toBe('sso_no_access');
      const alert = page.getByTestId('sso-error');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/none of your groups is mapped/);
      expect((await context.cookies()).some((cookie) => cookie.name === '__Host-vigil_session')).toBe(false);
      await page.screenshot({ path: screenshotPath('sso-no-access'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 2 * TIMEOUT);

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
