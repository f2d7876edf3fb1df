import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { SESSION_COOKIE } from '../../../server/auth/cookies';
import { httpsGet, startConsole, type RunningConsole } from '../../helpers/console';
import { cookieValue, restRequest } from '../../helpers/rest-client';
import { createAccount } from '../../helpers/sign-in';

let consoleNode: RunningConsole;

beforeAll(async () => {
  consoleNode = await startConsole();
});

afterAll(async () => {
  await consoleNode?.stop();
});

describe('vigil start with nothing configured', () => {
  it('serves /api/health over HTTPS with a certificate from its internal CA', async () => {
    const ca = readFileSync(path.join(consoleNode.dataDir, 'tls', 'ca.crt'), 'utf8');
    const health = await httpsGet(`${consoleNode.url}/api/health`, { ca });
    expect(health.status).toBe(200);
    const version = (JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', version });
    expect(statSync(path.join(consoleNode.dataDir, 'tls', 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(consoleNode.dataDir, 'tls', 'console.key')).mode & 0o777).toBe(0o600);
  });

  it('answers on IPv6 as well as IPv4 (a load balancer may reach it over either)', async () => {
    const ca = readFileSync(path.join(consoleNode.dataDir, 'tls', 'ca.crt'), 'utf8');
    const port = new URL(consoleNode.url).port;
    for (const address of ['127.0.0.1', '[::1]']) {
      const health = await httpsGet(`https://${address}:${port}/api/health`, { ca });
      expect(health.status, address).toBe(200);
    }
  });

  it('is ready once the embedded database and encryption answer', async () => {
    const ready = await httpsGet(`${consoleNode.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true, checks: { database: { ok: true }, encryption: { ok: true } } });
  });

  it('answers the tRPC system status with the embedded SQLite backend, to signed-in users only', async () => {
    expect((await httpsGet(`${consoleNode.url}/api/trpc/system.status`)).status).toBe(401);
    const account = await createAccount(consoleNode);
    const login = await restRequest(`${consoleNode.url}/api/v1/auth/login`, { method: 'POST', body: { email: account.email, password: account.password } });
    expect(login.status, login.text).toBe(200);
    const session = cookieValue(login.setCookies, SESSION_COOKIE)!;
    const response = await restRequest(`${consoleNode.url}/api/trpc/system.status`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(response.status, response.text).toBe(200);
    const status = (response.json as { result: { data: Record<string, unknown> } }).result.data;
    expect(status).toMatchObject({ database: { engine: 'ferretdb', backend: 'sqlite', embedded: true, reachable: true }, encryption: { masterKey: 'local-file' } });
  });

  it('maps unknown procedures and bad requests to clean errors', async () => {
    const response = await httpsGet(`${consoleNode.url}/api/trpc/system.nope`);
    expect(response.status).toBe(404);
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('logs structured JSON and announces the new master key once', () => {
    const lines = consoleNode.output().split('\n').filter((line) => line.startsWith('{'));
    const listening = lines.map((line) => JSON.parse(line) as { msg: string; url?: string }).find((entry) => entry.msg === 'console listening');
    expect(listening?.url).toBe(consoleNode.url);
    expect(consoleNode.output()).toMatch(/created the master key .*BACK IT UP/);
  });
});

describe('vigil start refuses bad TLS configuration', () => {
  const dataDir = tempDataDir();
  afterAll(async () => {
    await runVigil(['db', 'stop'], { env: cleanEnv({ VIGIL_DATA_DIR: dataDir }) });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a missing certificate file is a configuration error naming the variable', async () => {
    const result = await runVigil(['start'], { env: cleanEnv({ VIGIL_DATA_DIR: dataDir, VIGIL_TLS_CERT: '/nonexistent.crt', VIGIL_TLS_KEY: '/nonexistent.key' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vigil: VIGIL_TLS_CERT: file not found: /nonexistent.crt\nvigil: VIGIL_TLS_KEY: file not found: /nonexistent.key\n');
  });

  it('a certificate that is not one fails with one line', async () => {
    const cert = path.join(dataDir, 'bad.crt');
    writeFileSync(cert, 'not a certificate');
    const result = await runVigil(['start'], { env: cleanEnv({ VIGIL_DATA_DIR: dataDir, VIGIL_TLS_CERT: cert, VIGIL_TLS_KEY: cert, VIGIL_PORT: '1' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vigil: cannot use the TLS certificate .*bad\.crt[^\n]*\n$/);
  });
});
