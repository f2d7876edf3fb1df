import { Socket } from 'node:net';
import type { ProbeAnswer, ProbeOptions } from './tcp-probe';

/**
 * probeTcpPorts (tcp-probe.ts) done with Node sockets, used when the connect-scan helper binary is missing.
 *
 * It is written with callbacks, one interval timer for all timeouts and one abort listener per run,
 * not a promise, timer and listener per port: on a fast network the per-connection bookkeeping, not
 * the network, is what limits a connect scan.
 */

type AttemptResult = ProbeAnswer | 'timeout' | 'local-error';

/** This machine ran short (descriptors, ephemeral ports, buffers): says nothing about the target, try again. */
const LOCAL_CODES = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'EADDRINUSE', 'ENOBUFS', 'ENOMEM', 'EAGAIN']);
const LOCAL_RETRY_MS = 100;

function classify(error: NodeJS.ErrnoException): AttemptResult {
  const code = error.code ?? '';
  // Linux reports a reset answering the SYN as ECONNREFUSED; ECONNRESET means the handshake completed
  // and the service reset it before we saw the connection: the port is open.
  if (code === 'ECONNREFUSED') return 'closed';
  if (code === 'ECONNRESET') return 'open';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (LOCAL_CODES.has(code)) return 'local-error';
  // EHOSTUNREACH, ENETUNREACH, EACCES/EPERM (a firewall on the way): nothing answered from the port.
  return 'filtered';
}

/** The node-wide pace of new connections, shared by every probe run of this process (all jobs, all hosts). */
const nodePace = { intervalMs: 0, nextStartAt: 0 };

/** The node-wide cap for probes run in this process (setNodeConnectionRate in tcp-probe.ts); 0 lifts it. */
export function setInProcessConnectionRate(options: { perSecond: number }): void {
  nodePace.intervalMs = options.perSecond > 0 ? 1000 / options.perSecond : 0;
  nodePace.nextStartAt = 0;
}

/** probeTcpPorts in this Node process: the fallback when the connect-scan helper is not installed. */
export function probeInProcess(options: ProbeOptions): Promise<void> {
  return new Promise((resolve, reject) => new ProbeRun(options, resolve, reject).start());
}

interface Attempt {
  port: number;
  deadline: number;
}

class ProbeRun {
  private queue: number[];
  private next = 0;
  private pass = 0;
  private timedOut: number[] = [];
  /** In start order, which is deadline order: the sweep stops at the first attempt still in time. */
  private readonly inFlight = new Map<Socket, Attempt>();
  private readonly localRetries = new Set<NodeJS.Timeout>();
  private readonly startIntervalMs: number;
  private nextStartAt = 0;
  private wakeUp: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly options: ProbeOptions,
    private readonly resolve: () => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    this.queue = [...options.ports];
    this.startIntervalMs = options.limits.perHostRate > 0 ? 1000 / options.limits.perHostRate : 0;
  }

  start(): void {
    const { signal, limits } = this.options;
    if (signal?.aborted) return this.finish(signal.reason);
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.sweeper = setInterval(this.sweep, Math.min(100, Math.max(10, limits.connectTimeoutMs / 10)));
    this.fill();
  }

  private readonly onAbort = () => this.finish(this.options.signal?.reason);

  // The timer phase runs before the poll phase: under load, answers that already arrived would be
  // taken for timeouts. Checking deadlines in the check phase lets every pending answer be read first.
  private readonly sweep = () => setImmediate(this.expire);

  private readonly expire = () => {
    const now = performance.now();
    for (const [socket, attempt] of this.inFlight) {
      if (attempt.deadline > now) break;
      this.settle(socket, 'timeout');
    }
  };

  /** Starts attempts up to the concurrency, paced by the host's and the node's rates; ends the pass when nothing is left. */
  private fill(): void {
    const { limits } = this.options;
    while (!this.finished && this.inFlight.size < limits.portConcurrency && this.next < this.queue.length) {
      if (this.startIntervalMs > 0 || nodePace.intervalMs > 0) {
        const now = performance.now();
        const startAt = Math.max(this.startIntervalMs > 0 ? this.nextStartAt : 0, nodePace.intervalMs > 0 ? nodePace.nextStartAt : 0);
        // Sub-millisecond waits are skipped: timers cannot do them, and nextStartAt keeps the average exact.
        if (startAt - now >= 1) {
          this.wakeUp ??= setTimeout(() => {
            this.wakeUp = undefined;
            this.fill();
          }, startAt - now);
          return;
        }
        if (this.startIntervalMs > 0) this.nextStartAt = Math.max(now, this.nextStartAt) + this.startIntervalMs;
        if (nodePace.intervalMs > 0) nodePace.nextStartAt = Math.max(now, nodePace.nextStartAt) + nodePace.intervalMs;
      }
      this.connect(this.queue[this.next++]!);
    }
    if (!this.finished && this.inFlight.size === 0 && this.localRetries.size === 0 && this.next >= this.queue.length) this.endPass();
  }

  private connect(port: number): void {
    const socket = new Socket();
    this.inFlight.set(socket, { port, deadline: performance.now() + this.options.limits.connectTimeoutMs });
    // `on`, not `once`: a second error from a socket we already gave up on must find a listener.
    socket.on('connect', () => this.settle(socket, 'open'));
    socket.on('error', (error: NodeJS.ErrnoException) => this.settle(socket, classify(error)));
    socket.connect({ port, host: this.options.address });
  }

  private settle(socket: Socket, result: AttemptResult): void {
    const attempt = this.inFlight.get(socket);
    if (!attempt) return;
    this.inFlight.delete(socket);
    socket.destroy();
    if (result === 'timeout') this.timedOut.push(attempt.port);
    else if (result === 'local-error') this.retryLater(attempt.port);
    else if (this.options.onAnswer({ port: attempt.port, state: result }) === 'stop') return this.finish();
    this.fill();
  }

  private retryLater(port: number): void {
    const timer = setTimeout(() => {
      this.localRetries.delete(timer);
      this.queue.push(port);
      this.fill();
    }, LOCAL_RETRY_MS);
    this.localRetries.add(timer);
  }

  private endPass(): void {
    if (this.pass < this.options.limits.retries && this.timedOut.length > 0) {
      this.pass++;
      this.queue = this.timedOut;
      this.timedOut = [];
      this.next = 0;
      return this.fill();
    }
    for (const port of this.timedOut) {
      if (this.options.onAnswer({ port, state: 'filtered' }) === 'stop') break;
    }
    this.finish();
  }

  private finish(error?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.sweeper);
    clearTimeout(this.wakeUp);
    this.localRetries.forEach(clearTimeout);
    for (const socket of this.inFlight.keys()) socket.destroy();
    this.inFlight.clear();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (error === undefined) this.resolve();
    else this.reject(error);
  }
}
