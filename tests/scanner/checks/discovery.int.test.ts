import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverHost } from '../../../scanner/checks/discovery';
import type { JobLimits } from '../../../scanner/protocol/v1/schemas';
import { closedPorts, close, listen, LOOPBACK, startSilentPort } from './loopback-services';

const limits: JobLimits = { hostConcurrency: 1, portConcurrency: 32, perHostRate: 0, connectTimeoutMs: 250, retries: 1, hostTimeoutMs: 60_000 };

describe('discoverHost (TCP probes on loopback)', () => {
  let server: Server;
  let accepted = 0;
  let openPort: number;
  let closedPort: number;
  let silent: Awaited<ReturnType<typeof startSilentPort>>;

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted++;
      socket.end();
    });
    openPort = await listen(server);
    [closedPort] = (await closedPorts(1)) as [number];
    silent = await startSilentPort();
  });

  afterAll(async () => {
    await close(server);
    await silent?.stop();
  });

  it('a connection proves the host up', async () => {
    expect(await discoverHost({ address: LOOPBACK, exclusions: [], limits, ports: [silent.port, openPort] })).toEqual({
      reachable: true,
      address: LOOPBACK,
      via: `tcp/${openPort} open`,
    });
  });

  it('so does a reset from a closed port, without waiting for the silent ones', async () => {
    const started = performance.now();
    const result = await discoverHost({ address: LOOPBACK, exclusions: [], limits: { ...limits, connectTimeoutMs: 5000 }, ports: [silent.port, closedPort] });
    expect(result).toEqual({ reachable: true, address: LOOPBACK, via: `tcp/${closedPort} closed` });
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('all probes timing out, retries included, means down', async () => {
    const started = performance.now();
    const result = await discoverHost({ address: LOOPBACK, exclusions: [], limits, ports: [silent.port] });
    expect(result).toEqual({ reachable: false, address: LOOPBACK });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 250 - 10);
  });

  it('probes the common ports by default (loopback answers every one)', async () => {
    const result = await discoverHost({ address: '127.0.0.3', exclusions: [], limits });
    expect(result.reachable).toBe(true);
    expect(result.via).toMatch(/^tcp\/\d+ (open|closed)$/);
  });

  it('resolves a host name with the system resolver', async () => {
    const result = await discoverHost({ address: 'localhost', exclusions: [], limits, ports: [closedPort] });
    expect(result.reachable).toBe(true);
    expect(['127.0.0.1', '::1']).toContain(result.address);
  });

  it('a name that does not resolve is not reachable, with the reason', async () => {
    const resolve = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND web.example'), { code: 'ENOTFOUND' }));
    expect(await discoverHost({ address: 'web.example', exclusions: [], limits, resolve })).toEqual({
      reachable: false,
      problem: { stage: 'discovery', message: 'cannot resolve web.example: getaddrinfo ENOTFOUND web.example' },
    });
  });

  it('never touches a name that resolves to an excluded address', async () => {
    const before = accepted;
    const result = await discoverHost({ address: 'web.example', exclusions: ['127.0.0.0/8'], limits, ports: [openPort], resolve: async () => LOOPBACK });
    expect(result).toEqual({
      reachable: false,
      address: LOOPBACK,
      problem: { stage: 'excluded', message: 'web.example resolves to 127.0.0.1, which is excluded' },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accepted).toBe(before);
  });

  it('never touches an excluded address', async () => {
    expect(await discoverHost({ address: LOOPBACK, exclusions: [LOOPBACK], limits, ports: [openPort] })).toEqual({
      reachable: false,
      address: LOOPBACK,
      problem: { stage: 'excluded', message: '127.0.0.1 is excluded' },
    });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const discovery = discoverHost({ address: LOOPBACK, exclusions: [], limits: { ...limits, connectTimeoutMs: 10_000 }, ports: [silent.port], signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(discovery).rejects.toThrow('cancelled');
  });
});
