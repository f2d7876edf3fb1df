import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT, VIGIL_BIN, cleanEnv, runVigil, tempDataDir } from './cli';

export interface RunningConsole {
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** GET over HTTPS, trusting any certificate unless a CA is given. */
export function httpsGet(url: string, options: { ca?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { rejectUnauthorized: Boolean(options.ca), ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.setTimeout(5000, () => request.destroy(new Error('timeout')));
    request.once('error', reject);
  });
}

/**
 * Starts the real `vigil start` (HTTPS, internal CA) on a free port with a fresh data dir and
 * the embedded database unless `mongodbUri` is given; resolves once /api/health answers 200.
 */
export async function startConsole(options: { mongodbUri?: string; env?: Record<string, string> } = {}): Promise<RunningConsole> {
  const dataDir = tempDataDir();
  const port = await freePort();
  // The daily KB sync (03:17 UTC by default) would fire inside a console that runs at that hour and reach for the
  // upstream feeds: test consoles sync only when a test asks.
  const env = cleanEnv({ VIGIL_DATA_DIR: dataDir, VIGIL_PORT: String(port), MONGODB_URI: options.mongodbUri, VIGIL_KB_SYNC_SCHEDULE: 'off', ...options.env });
  const child = spawn(process.execPath, [VIGIL_BIN, 'start'], { env: env as NodeJS.ProcessEnv, cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `https://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vigil start exited with ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigil start did not answer /api/health: ${output}`);
    }
    const ok = await httpsGet(`${url}/api/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(250);
  }
  return {
    url,
    port,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await runVigil(['db', 'stop'], { env: cleanEnv({ VIGIL_DATA_DIR: dataDir }) });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
