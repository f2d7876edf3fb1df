import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors/app-error';
import { projectRoot } from '../runtime/project-root';

/**
 * The embedded database: our FerretDB launcher (deploy/ferretdb) with the SQLite backend,
 * run as a background process under the data directory. State lives in files so that every
 * `vigil` command finds the same instance: run/ferretdb.json (pid, uri), logs/ferretdb.log.
 */
export interface EmbeddedDbStatus {
  running: boolean;
  uri: string | null;
  backend: 'sqlite';
  dataDir: string;
  pid?: number;
}

interface StateFile {
  pid: number;
  uri: string;
  startedAt: string;
}

const PREFERRED_PORT = 27117;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

function paths(dataDir: string) {
  return {
    sqliteDir: path.join(dataDir, 'db'),
    runDir: path.join(dataDir, 'run'),
    logDir: path.join(dataDir, 'logs'),
    state: path.join(dataDir, 'run', 'ferretdb.json'),
    ready: path.join(dataDir, 'run', 'ferretdb.ready'),
    lock: path.join(dataDir, 'run', 'ferretdb.lock'),
    log: path.join(dataDir, 'logs', 'ferretdb.log'),
  };
}

export function launcherBinary(): string {
  return process.env.VIGIL_FERRETDB_BIN ?? path.join(projectRoot(), 'deploy', 'ferretdb', 'bin', 'vigil-ferretdb');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Guard against pid reuse: the process must still be our launcher.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('vigil-ferretdb');
  } catch {
    return true;
  }
}

function portAccepts(uri: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(uri.replace(/^mongodb:/, 'http:'));
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function readState(dataDir: string): StateFile | null {
  try {
    return JSON.parse(readFileSync(paths(dataDir).state, 'utf8')) as StateFile;
  } catch {
    return null;
  }
}

export async function embeddedDbStatus(options: { dataDir: string }): Promise<EmbeddedDbStatus> {
  const state = readState(options.dataDir);
  const running = state !== null && processAlive(state.pid) && (await portAccepts(state.uri));
  return {
    running,
    uri: running && state ? state.uri : null,
    backend: 'sqlite',
    dataDir: options.dataDir,
    ...(running && state ? { pid: state.pid } : {}),
  };
}

/** Serialises start/stop between concurrent `vigil` processes on the same data directory. */
async function withLock<T>(dataDir: string, work: () => Promise<T>): Promise<T> {
  const lockPath = paths(dataDir).lock;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      writeFileSync(lockPath, String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSync(lockPath, { encoding: 'utf8', flag: 'a+' }) || 0);
      const holderAlive = holder > 0 && (() => { try { process.kill(holder, 0); return true; } catch { return false; } })();
      if (!holderAlive) rmSync(lockPath, { force: true });
      else if (Date.now() > deadline) throw new AppError('DB_START_FAILED', `embedded database is locked by process ${holder} (${lockPath})`);
      else await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function logTail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    return lines.slice(-3).join(' | ').slice(0, 500);
  } catch {
    return 'no log output';
  }
}

/** Starts the embedded FerretDB unless it already runs; returns its status. */
export async function startEmbeddedDb(options: { dataDir: string }): Promise<EmbeddedDbStatus & { started: boolean }> {
  const existing = await embeddedDbStatus(options);
  if (existing.running) return { ...existing, started: false };
  const p = paths(options.dataDir);
  for (const dir of [options.dataDir, p.runDir, p.logDir, p.sqliteDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });

  return withLock(options.dataDir, async () => {
    const again = await embeddedDbStatus(options);
    if (again.running) return { ...again, started: false };

    const binary = launcherBinary();
    if (!existsSync(binary)) {
      throw new AppError('DB_START_FAILED', `FerretDB launcher not found at ${binary}; run the set-up command (npm run setup)`);
    }
    const port = (await portFree(PREFERRED_PORT)) ? PREFERRED_PORT : 0;
    rmSync(p.ready, { force: true });
    const readyFd = openSync(p.ready, 'w', 0o600);
    const logFd = openSync(p.log, 'a', 0o600);
    const child = spawn(
      binary,
      ['--backend', 'sqlite', '--sqlite-dir', p.sqliteDir, '--listen-addr', `127.0.0.1:${port}`, '--log-level', 'warn'],
      { detached: true, stdio: ['ignore', readyFd, logFd] },
    );
    closeSync(readyFd);
    closeSync(logFd);
    let exitCode: number | null = null;
    child.once('exit', (code) => {
      exitCode = code ?? -1;
    });
    child.unref();

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exitCode !== null) {
        throw new AppError('DB_START_FAILED', `embedded database exited with code ${exitCode}: ${logTail(p.log)}`);
      }
      const line = existsSync(p.ready) ? readFileSync(p.ready, 'utf8').split('\n')[0] : '';
      if (line) {
        const ready = JSON.parse(line) as { ready: boolean; uri: string; pid: number };
        const state: StateFile = { pid: child.pid ?? ready.pid, uri: ready.uri, startedAt: new Date().toISOString() };
        writeFileSync(p.state, JSON.stringify(state), { mode: 0o600 });
        return { running: true, uri: ready.uri, backend: 'sqlite' as const, dataDir: options.dataDir, pid: state.pid, started: true };
      }
      await sleep(50);
    }
    if (child.pid) process.kill(child.pid, 'SIGKILL');
    throw new AppError('DB_START_FAILED', `embedded database did not become ready within ${START_TIMEOUT_MS / 1000}s: ${logTail(p.log)}`);
  });
}

export async function stopEmbeddedDb(options: { dataDir: string }): Promise<{ stopped: boolean }> {
  const p = paths(options.dataDir);
  const state = readState(options.dataDir);
  if (!state || !processAlive(state.pid)) {
    rmSync(p.state, { force: true });
    return { stopped: false };
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (processAlive(state.pid) && Date.now() < deadline) await sleep(50);
  if (processAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  rmSync(p.state, { force: true });
  rmSync(p.ready, { force: true });
  return { stopped: true };
}
