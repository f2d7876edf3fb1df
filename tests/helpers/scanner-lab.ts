import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SYSTEM_SCOPE } from '../../server/auth/scope';
import { ensureInternalTls, type TlsMaterial } from '../../server/crypto/internal-ca';
import { createLogger } from '../../server/logging/logger';
import type { Runtime } from '../../server/runtime/runtime';
import { createScannerProtocolHandler } from '../../server/scanner-protocol/scanner-protocol-handler';
import { consoleCertificatePin } from '../../server/services/scanner-nodes/console-certificate-pin';
import { createEnrollmentToken } from '../../server/services/scanner-nodes/create-enrollment-token';
import { getScanRun } from '../../server/services/scans/get-scan-run';
import { launchScan } from '../../server/services/scans/launch-scan';
import { cleanEnv, PROJECT_ROOT, runVigil, tempDataDir, VIGIL_BIN } from './cli';

/**
 * The console side of the scanner protocol, in the test's process, on 127.0.0.1 with the internal CA's
 * certificate — the same handler `vigil start` serves beside Next.js. Nodes are real `vigil scanner` processes.
 */
export interface ProtocolConsole {
  url: string;
  tls: TlsMaterial;
  createToken(name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startProtocolConsole(options: { runtime: Runtime; leaseTtlMs?: number; pollIntervalMs?: number }): Promise<ProtocolConsole> {
  const tls = await ensureInternalTls({ dataDir: tempDataDir() });
  const handle = createScannerProtocolHandler({
    encryption: options.runtime.encryption,
    // Errors only: a failing request shows its cause in the test output.
    log: createLogger({ level: 'error', destination: 2 }),
    ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    pollIntervalMs: options.pollIntervalMs ?? 200,
  });
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tls,
    createToken: async (name = 'test') => (await createEnrollmentToken({ name, ttlHours: 1, pin: consoleCertificatePin(tls), actor: { type: 'system', id: 'test' } })).token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TestNode {
  name: string;
  dataDir: string;
  nodeId: string;
  /** The running `vigil scanner run` process, if any. */
  process: ChildProcess | null;
  logs(): string;
  start(): void;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Enrols a node with `vigil scanner enroll` (a real process, its own data directory) and returns a handle to run it.
 * The token is the one given (e.g. shown by the console UI), or one the in-process protocol console creates.
 */
export async function enrollTestNode(options: { console: Pick<ProtocolConsole, 'url'> & Partial<Pick<ProtocolConsole, 'createToken'>>; name: string; token?: string; capacity?: number }): Promise<TestNode> {
  const dataDir = path.join(tempDataDir(), 'node');
  const token = options.token ?? (await options.console.createToken?.(options.name));
  if (!token) throw new Error(`enrolment of ${options.name} needs a token, or a console that creates one`);
  const enrolled = await runVigil(['scanner', 'enroll', '--server', options.console.url, '--token-stdin', '--data-dir', dataDir, '--name', options.name], { env: cleanEnv({}), input: `${token}\n` });
  if (enrolled.code !== 0) throw new Error(`enrolment of ${options.name} failed: ${enrolled.stderr}`);
  const nodeId = /\((node-[\w-]+)\)/.exec(enrolled.stdout)![1]!;
  let output = '';
  const node: TestNode = {
    name: options.name,
    dataDir,
    nodeId,
    process: null,
    logs: () => output,
    start() {
      const child = spawn(process.execPath, [VIGIL_BIN, 'scanner', 'run', '--data-dir', dataDir, '--capacity', String(options.capacity ?? 2)], { cwd: PROJECT_ROOT, env: cleanEnv({ VIGIL_LOG_LEVEL: 'info' }) as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      node.process = child;
    },
    async stop(signal = 'SIGTERM') {
      const child = node.process;
      node.process = null;
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
      const ended = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return ended;
    },
  };
  return node;
}

/** Launches a scan as the system and waits for its run to complete; a run that fails or stalls shows the node's log. */
export async function launchAndWait(options: { scanName: string; node: TestNode; timeoutMs?: number }): Promise<string> {
  const run = await launchScan({ scope: SYSTEM_SCOPE, ref: { name: options.scanName }, actor: { type: 'system', id: 'test' } });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const view = await getScanRun({ scope: SYSTEM_SCOPE, runId: run._id });
    if (view.status === 'completed') return run._id;
    if (view.status !== 'running' || Date.now() > deadline) throw new Error(`run ${run._id} ${view.status}: ${options.node.logs().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
