import type { Page } from 'playwright-core';
import { cleanEnv, runVigil } from './cli';
import type { RunningConsole } from './console';

export interface TestAccount {
  email: string;
  password: string;
  name: string;
  role: string;
}

/**
 * Creates a local account with the real `vigil admin create` (password on stdin), against the
 * console's own data directory and database, as an operator would on the appliance.
 */
export async function createAccount(
  consoleServer: RunningConsole,
  options: { email?: string; password?: string; name?: string; role?: string; mongodbUri?: string } = {},
): Promise<TestAccount> {
  const account: TestAccount = {
    email: options.email ?? 'admin@vigil.test',
    password: options.password ?? 'correct horse battery staple',
    name: options.name ?? 'Ada Admin',
    role: options.role ?? 'admin',
  };
  const result = await runVigil(['admin', 'create', '--email', account.email, '--role', account.role, '--name', account.name], {
    env: cleanEnv({ VIGIL_DATA_DIR: consoleServer.dataDir, MONGODB_URI: options.mongodbUri }),
    input: `${account.password}\n`,
    timeoutMs: 90_000,
  });
  if (result.code !== 0) throw new Error(`vigil admin create exited with ${result.code}: ${result.stderr}`);
  return account;
}

/**
 * Signs in through the real /login page, as a person would, and waits until the console shows
 * the signed-in user. Every browser test signs in this way; `next` is the page to land on.
 */
export async function signIn(page: Page, baseUrl: string, account: Pick<TestAccount, 'email' | 'password'>, next = '/'): Promise<void> {
  await page.goto(`${baseUrl}/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`, { waitUntil: 'load' });
  await page.getByTestId('login-email').fill(account.email);
  await page.getByTestId('login-password').fill(account.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByTestId('current-user').waitFor();
}
