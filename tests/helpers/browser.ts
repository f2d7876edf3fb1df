import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'tests', 'screenshots');

/** The system Chromium; the machine is offline, so playwright never downloads a browser. */
export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserSession {
  browser: Browser;
  /** Accepts the console's certificate, which the installation's own internal CA issued. */
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    return {
      browser,
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        await browser.close();
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** `tests/screenshots/<name>.png` (absolute), creating the folder. */
export function screenshotPath(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must be a plain file name: ${name}`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

/**
 * Next.js 15.5 throws a recoverable React #418 ("the server rendered HTML didn't match the client", the
 * element variant) on some first loads of a dynamic page on a loaded machine, although the served HTML and the
 * tree React regenerates are the same (seen here; upstream: vercel/next.js#96371). Watchers log it with its page
 * and go on. The text variant, which a console component rendering differently in the browser causes, fails like
 * every other page error (`tests/app/slow-hydration.spec.ts` provokes it).
 */
export const TRANSIENT_HYDRATION_ERROR = /Minified React error #418; visit https:\/\/react\.dev\/errors\/418\?args\[\]=HTML&/;

/**
 * Collects the page's uncaught errors into `errors`; the transient hydration error above is logged with its page.
 * With `consoleErrors`, console errors are collected too, except the failed resources answering one of
 * `refusedStatuses` (a spec's refusals on purpose, which the browser logs as failed resources); each is recorded
 * with the resource that failed, which the console text leaves out.
 */
export function collectPageErrors(page: Page, errors: string[], options?: { consoleErrors: { refusedStatuses: number[] } }): void {
  page.on('pageerror', (error) => {
    if (TRANSIENT_HYDRATION_ERROR.test(error.message)) console.warn(`transient hydration mismatch (React #418) on ${page.url()}`);
    else errors.push(`pageerror on ${page.url()}: ${error.message}`);
  });
  if (!options) return;
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (options.consoleErrors.refusedStatuses.some((status) => message.text().includes(`status of ${status} `))) return;
    errors.push(`console on ${page.url()}: ${message.text()} (${message.location().url || 'no resource'})`);
  });
}
