import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectScanBinary } from '../../../scanner/checks/connect-scan-helper';
import { closedPorts, close, listen, LOOPBACK, startSilentPort } from './loopback-services';

/** The helper's protocol (scanner/native/connect-scan/PROTOCOL.md), spoken directly to the built binary. */

interface HelperLine {
  id: number;
  port?: number;
  state?: string;
  done?: true;
  error?: string;
}

interface Helper {
  child: ChildProcessWithoutNullStreams;
  lines: HelperLine[];
  send: (message: object | string) => void;
  /** Waits for the request's done or error line and returns its answers as port → state. */
  finished: (id: number) => Promise<Map<number, string>>;
  openDescriptors: () => number;
}

const helpers: Helper[] = [];

function startHelper(args: string[] = []): Helper {
  const child = spawn(connectScanBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: HelperLine[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts.map((text) => JSON.parse(text) as HelperLine));
  });
  const helper: Helper = {
    child,
    lines,
    send: (message) => child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`),
    finished: async (id) => {
      await vi.waitFor(() => expect(lines.some((line) => line.id === id && (line.done || line.error))).toBe(true), { timeout: 10_000 });
      return new Map(lines.filter((line) => line.id === id && line.port !== undefined).map((line) => [line.port!, line.state!]));
    },
    openDescriptors: () => readdirSync(`/proc/${child.pid}/fd`).length,
  };
  helpers.push(helper);
  return helper;
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const probe = (fields: Record<string, unknown>) => ({ op: 'probe', concurrency: 64, perHostRate: 0, timeoutMs: 300, retries: 1, ...fields });

describe('vigil-connect-scan (the connect-scan helper) on loopback', () => {
  const servers: Server[] = [];
  let accepted = 0;
  let openPorts: number[] = [];
  let closed: number[] = [];
  let silent: Awaited<ReturnType<typeof startSilentPort>>;

  beforeAll(async () => {
    // Built by scripts/setup.sh (scanner/native/connect-scan/build.sh).
    accessSync(connectScanBinary(), constants.X_OK);
    for (let i = 0; i < 3; i++) {
      servers.push(
        createServer((socket) => {
          accepted++;
          socket.end();
        }),
      );
    }
    openPorts = await Promise.all(servers.map((server) => listen(server)));
    closed = await closedPorts(10);
    silent = await startSilentPort();
  });

  afterEach(async () => {
    for (const helper of helpers.splice(0)) {
      helper.child.stdin.end();
      await exited(helper.child);
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map(close));
    await silent?.stop();
  });

  it('answers each port once: open, closed, filtered after the retry; then done', async () => {
    const helper = startHelper();
    helper.send(probe({ id: 1, address: LOOPBACK, ports: [...openPorts, ...closed, silent.port] }));
    const answers = await helper.finished(1);
    expect(answers).toEqual(new Map([...openPorts.map((port) => [port, 'open'] as const), ...closed.map((port) => [port, 'closed'] as const), [silent.port, 'filtered']]));
    expect(helper.lines.filter((line) => line.id === 1)).toHaveLength(openPorts.length + closed.length + 2);
    expect(helper.lines.at(-1)).toEqual({ id: 1, done: true });
  });

  it('runs requests side by side, each answered under its own id', async () => {
    const helper = startHelper();
    helper.send(probe({ id: 7, address: LOOPBACK, ports: [silent.port], timeoutMs: 200 }));
    helper.send(probe({ id: 8, address: '127.0.0.2', ports: closed }));
    expect(await helper.finished(8)).toEqual(new Map(closed.map((port) => [port, 'closed'])));
    expect(await helper.finished(7)).toEqual(new Map([[silent.port, 'filtered']]));
  });

  it('refuses anything but an IP literal, and connects nowhere', async () => {
    const helper = startHelper();
    const before = accepted;
    helper.send(probe({ id: 1, address: 'localhost', ports: openPorts }));
    helper.send(probe({ id: 2, address: '127.0.0.1.example', ports: openPorts }));
    helper.send(probe({ id: 3, address: '', ports: openPorts }));
    await helper.finished(3);
    expect(helper.lines).toEqual([
      { id: 1, error: '"localhost" is not an IP address: resolve host names and check exclusions first' },
      { id: 2, error: '"127.0.0.1.example" is not an IP address: resolve host names and check exclusions first' },
      { id: 3, error: '"" is not an IP address: resolve host names and check exclusions first' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accepted).toBe(before);
  });

  it('refuses bad requests with a clear error and goes on with the good ones', async () => {
    const helper = startHelper();
    helper.send('not json');
    helper.send({ op: 'scan', id: 1 });
    helper.send(probe({ id: 2, address: LOOPBACK, ports: [0] }));
    helper.send(probe({ id: 3, address: LOOPBACK, ports: [] }));
    helper.send(probe({ id: 4, address: LOOPBACK, ports: closed, concurrency: 0 }));
    helper.send(probe({ id: 5, address: LOOPBACK, ports: closed, retries: 9 }));
    helper.send(probe({ id: 6, address: LOOPBACK, ports: closed, timeoutMs: 0 }));
    helper.send(probe({ id: 0, address: LOOPBACK, ports: closed }));
    helper.send({ op: 'rate', id: 7, perSecond: -1 });
    helper.send(probe({ id: 8, address: LOOPBACK, ports: [silent.port], timeoutMs: 10_000 }));
    helper.send(probe({ id: 8, address: LOOPBACK, ports: closed }));
    helper.send(probe({ id: 9, address: LOOPBACK, ports: closed }));
    expect(await helper.finished(9)).toEqual(new Map(closed.map((port) => [port, 'closed'])));
    helper.send({ op: 'cancel', id: 8 });
    await vi.waitFor(() => expect(helper.lines).toContainEqual({ id: 8, done: true }));
    expect(helper.lines.filter((line) => line.error)).toEqual([
      { id: 0, error: expect.stringMatching(/^not a JSON request: /) },
      { id: 1, error: 'unknown op "scan" (probe, cancel or rate)' },
      { id: 2, error: 'port 0 is not 1 to 65535' },
      { id: 3, error: 'ports must list at least one port' },
      { id: 4, error: 'concurrency must be 1 to 4096' },
      { id: 5, error: 'retries must be 0 to 5' },
      { id: 6, error: 'timeoutMs must be 1 to 60000' },
      { id: 0, error: 'id must be a positive integer' },
      { id: 7, error: 'perSecond must be 0 (no cap) or more' },
      { id: 8, error: 'request 8 is already running' },
    ]);
    // The first request 8 was not disturbed by the refused second one: cancelled, it ends once, without answers.
    expect(helper.lines.filter((line) => line.id === 8 && !line.error)).toEqual([{ id: 8, done: true }]);
  });

  it('a cancelled request closes its sockets, then says done', async () => {
    const helper = startHelper();
    helper.send(probe({ id: 1, address: LOOPBACK, ports: closed }));
    await helper.finished(1);
    const idle = helper.openDescriptors();
    helper.send(probe({ id: 2, address: LOOPBACK, ports: Array(20).fill(silent.port), timeoutMs: 30_000 }));
    await vi.waitFor(() => expect(helper.openDescriptors()).toBe(idle + 20));
    helper.send({ op: 'cancel', id: 2 });
    expect(await helper.finished(2)).toEqual(new Map());
    expect(helper.openDescriptors()).toBe(idle);
    // A cancel for a request that is over (or never was) changes nothing.
    helper.send({ op: 'cancel', id: 2 });
    helper.send({ op: 'cancel', id: 99 });
    helper.send(probe({ id: 3, address: LOOPBACK, ports: openPorts }));
    expect(await helper.finished(3)).toEqual(new Map(openPorts.map((port) => [port, 'open'])));
  });

  it('never has more attempts in flight than -max-sockets, across requests', async () => {
    const helper = startHelper(['-max-sockets', '3']);
    helper.send(probe({ id: 1, address: LOOPBACK, ports: closed }));
    await helper.finished(1);
    const idle = helper.openDescriptors();
    helper.send(probe({ id: 2, address: LOOPBACK, ports: Array(5).fill(silent.port), timeoutMs: 200, retries: 0 }));
    helper.send(probe({ id: 3, address: LOOPBACK, ports: Array(5).fill(silent.port), timeoutMs: 200, retries: 0 }));
    let most = 0;
    while (!helper.lines.some((line) => line.id === 2 && line.done) || !helper.lines.some((line) => line.id === 3 && line.done)) {
      most = Math.max(most, helper.openDescriptors() - idle);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(3);
    expect(helper.lines.filter((line) => line.state === 'filtered')).toHaveLength(10);
  });

  it('closing stdin cancels everything: sockets closed, done lines written, exit 0', async () => {
    const helper = startHelper();
    helper.send(probe({ id: 1, address: LOOPBACK, ports: Array(5).fill(silent.port), timeoutMs: 30_000 }));
    helper.send(probe({ id: 2, address: '127.0.0.2', ports: Array(5).fill(silent.port), timeoutMs: 30_000 }));
    await vi.waitFor(() => expect(helper.openDescriptors()).toBeGreaterThan(10));
    helper.child.stdin.end();
    expect(await exited(helper.child)).toEqual({ code: 0, signal: null });
    expect(helper.lines).toEqual(expect.arrayContaining([{ id: 1, done: true }, { id: 2, done: true }]));
  });

  it('SIGTERM cancels everything and exits 0', async () => {
    const helper = startHelper();
    helper.send(probe({ id: 1, address: LOOPBACK, ports: Array(5).fill(silent.port), timeoutMs: 30_000 }));
    await vi.waitFor(() => expect(helper.openDescriptors()).toBeGreaterThan(5));
    helper.child.kill('SIGTERM');
    expect(await exited(helper.child)).toEqual({ code: 0, signal: null });
    expect(helper.lines).toEqual([{ id: 1, done: true }]);
  });
});
