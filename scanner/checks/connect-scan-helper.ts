import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../server/runtime/project-root';
import type { ProbeAnswer, ProbeOptions } from './tcp-probe';

/**
 * The Node side of the connect-scan helper (scanner/native/connect-scan, protocol in its PROTOCOL.md): one
 * child process per Node process runs every probe, each request tagged with an id; answers come back as JSON
 * lines. Closing its stdin (this process ending, even by SIGKILL) cancels everything it does.
 */

/** `VIGIL_CONNECT_SCAN_BIN`, or the build of scanner/native/connect-scan in this installation. */
export function connectScanBinary(): string {
  return process.env.VIGIL_CONNECT_SCAN_BIN ?? path.join(projectRoot(), 'scanner', 'native', 'connect-scan', 'bin', 'vigil-connect-scan');
}

interface HelperLine {
  id: number;
  port?: number;
  state?: ProbeAnswer;
  done?: true;
  error?: string;
}

interface HelperRun {
  options: ProbeOptions;
  resolve: () => void;
  reject: (reason: unknown) => void;
  /** No more answers are wanted (onAnswer said stop, or the signal aborted); the run settles on the helper's `done`. */
  stopped: boolean;
  abortReason?: unknown;
  onAbort?: () => void;
}

class ConnectScanHelper {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly runs = new Map<number, HelperRun>();
  private nextId = 1;
  private partialLine = '';
  private stderrTail = '';
  exited = false;

  constructor(options: { binary: string; perSecond: number }) {
    this.child = spawn(options.binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', this.onData);
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-1000);
    });
    // A write after the helper died fails with EPIPE: the 'exit' handler reports it.
    this.child.stdin.on('error', () => {});
    this.child.once('error', (error) => this.end(new Error(`the connect-scan helper failed: ${error.message}`)));
    this.child.once('exit', (code, signal) => this.end(new Error(`the connect-scan helper exited (${signal ?? `code ${code}`})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`)));
    this.setRate(options.perSecond);
    this.holdProcessOpen(false);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  setRate(perSecond: number): void {
    this.send({ op: 'rate', perSecond });
  }

  probe(options: ProbeOptions): Promise<void> {
    const { signal, limits } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const run: HelperRun = { options, resolve, reject, stopped: false };
      if (signal) {
        run.onAbort = () => this.stop(id, run, signal.reason);
        signal.addEventListener('abort', run.onAbort, { once: true });
      }
      if (this.runs.size === 0) this.holdProcessOpen(true);
      this.runs.set(id, run);
      this.send({ op: 'probe', id, address: options.address, ports: options.ports, concurrency: limits.portConcurrency, perHostRate: limits.perHostRate, timeoutMs: limits.connectTimeoutMs, retries: limits.retries });
    });
  }

  private stop(id: number, run: HelperRun, abortReason?: unknown): void {
    if (run.stopped) return;
    run.stopped = true;
    run.abortReason = abortReason;
    this.send({ op: 'cancel', id });
  }

  private send(message: object): void {
    if (!this.exited) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private readonly onData = (chunk: string) => {
    const lines = (this.partialLine + chunk).split('\n');
    this.partialLine = lines.pop()!;
    for (const text of lines) this.onLine(JSON.parse(text) as HelperLine);
  };

  private onLine(line: HelperLine): void {
    const run = this.runs.get(line.id);
    if (!run) {
      // Id 0: a line the helper could not read. Only a bug on this side sends one; say so, loudly.
      if (line.error) process.emitWarning(`connect-scan helper: ${line.error}`, { code: 'VIGIL_CONNECT_SCAN_PROTOCOL' });
      return;
    }
    if (line.port !== undefined && line.state) {
      if (!run.stopped && run.options.onAnswer({ port: line.port, state: line.state }) === 'stop') this.stop(line.id, run);
      return;
    }
    // `done` (every socket of the run closed) or `error` (the request was refused): the run is over.
    this.settle(line.id, run, line.error === undefined ? run.abortReason : new Error(`the connect-scan helper refused the probe: ${line.error}`));
  }

  private settle(id: number, run: HelperRun, error: unknown): void {
    this.runs.delete(id);
    if (run.onAbort) run.options.signal?.removeEventListener('abort', run.onAbort);
    if (this.runs.size === 0) this.holdProcessOpen(false);
    if (error === undefined) run.resolve();
    else run.reject(error);
  }

  /** Every run fails with `error`; the next probe starts a new helper. */
  private end(error: Error): void {
    if (this.exited) return;
    this.exited = true;
    for (const [id, run] of this.runs) this.settle(id, run, run.abortReason ?? error);
  }

  /** An idle helper must not keep this process alive; one with work must, as the sockets it replaces would. */
  private holdProcessOpen(hold: boolean): void {
    for (const handle of [this.child, this.child.stdout as unknown as Socket, this.child.stderr as unknown as Socket]) {
      if (hold) handle.ref();
      else handle.unref();
    }
  }
}

/** The rate the helper gets at start and on every change, kept for a helper started (again) later. */
let nodePerSecond = 0;
/** Undefined until the first probe; null when the binary is missing (this process probes in-process). */
let helper: ConnectScanHelper | null | undefined;

/** The running helper (started on first use, restarted after a crash), or null when its binary is not installed. */
export function connectScanHelper(): ConnectScanHelper | null {
  if (helper === null) return null;
  if (helper === undefined || helper.exited) {
    const binary = connectScanBinary();
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      process.emitWarning(`${binary} is not installed (scripts/setup.sh builds it, the Ansible scanner role installs it): connect scans run in this Node process, about 2-3 times slower`, {
        code: 'VIGIL_CONNECT_SCAN_MISSING',
      });
      helper = null;
      return null;
    }
    helper = new ConnectScanHelper({ binary, perSecond: nodePerSecond });
  }
  return helper;
}

export function setHelperConnectionRate(options: { perSecond: number }): void {
  nodePerSecond = options.perSecond;
  if (helper && !helper.exited) helper.setRate(nodePerSecond);
}
