import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { dropDatabase, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();
const dataDir = tempDataDir();
const env = cleanEnv({ MONGODB_URI: uri, VIGIL_DATA_DIR: dataDir });
const tokenFile = path.join(dataDir, 'setup-token');
const TOKEN = /^([a-z2-7]{4}-){7}[a-z2-7]{4}$/;

afterAll(async () => {
  await dropDatabase(uri);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil admin setup-token and vigil admin create', () => {
  it('prints the one-time setup token while no account exists, the same one until it is used', async () => {
    const first = await runVigil(['admin', 'setup-token'], { env, timeoutMs: 90_000 });
    expect(first.code).toBe(0);
    const token = first.stdout.trim();
    expect(token).toMatch(TOKEN);
    expect(first.stderr).toMatch(new RegExp(`new setup token valid until \\S+Z \\(in ${tokenFile}\\); enter it at https://<console>/setup`));
    expect(readFileSync(tokenFile, 'utf8')).toBe(`${token}\n`);

    const again = await runVigil(['admin', 'setup-token', '--json'], { env, timeoutMs: 90_000 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ token, file: tokenFile, issued: false });
  });

  it('removes the setup token once `vigil admin create` made an account, and then refuses to make one', async () => {
    const created = await runVigil(['admin', 'create', '--email', 'ops@vigil.test'], { env, input: 'Granite-Meadow-Lantern-62\n', timeoutMs: 90_000 });
    expect(created.code).toBe(0);
    expect(existsSync(tokenFile)).toBe(false);
    const refused = await runVigil(['admin', 'setup-token'], { env, timeoutMs: 90_000 });
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'vigil: setup is done: an account exists already (sign in, or add accounts with `vigil admin create`)\n' });
    expect(existsSync(tokenFile)).toBe(false);
  });
});
