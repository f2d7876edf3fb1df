import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobLimits } from '../../../scanner/protocol/v1/schemas';
import { closedPorts, close, listen, LOOPBACK, startSilentPort } from './loopback-services';

const limits: JobLimits = { hostConcurrency: 1, portConcurrency: 64, perHostRate: 0, connectTimeoutMs: 300, retries: 1, hostTimeoutMs: 60_000 };

/** port-scan as a fresh module: the choice between the helper and the in-process probe is made once per process. */
async function freshScanPorts() {
  vi.resetModules();
  return (await import('../../../scanner/checks/port-scan')).scanPorts;
}

describe('probeTcpPorts without a working connect-scan helper', () => {
  let server: Server;
  let openPort: number;
  let closed: number[];
  let silent: Awaited<ReturnType<typeof startSilentPort>>;
  let dir: string;
  const warnings: (Error & { code?: string })[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  beforeAll(async () => {
    server = createServer((socket) => socket.end());
    openPort = await listen(server);
    closed = await closedPorts(5);
    silent = await startSilentPort();
    dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-connect-scan-'));
  });

  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });

  afterEach(() => {
    process.off('warning', onWarning);
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await close(server);
    await silent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('probes in this Node process when the binary is missing, with the same answers, and says so once', async () => {
    vi.stubEnv('VIGIL_CONNECT_SCAN_BIN', path.join(dir, 'missing', 'vigil-connect-scan'));
    const scanPorts = await freshScanPorts();
    for (let round = 0; round < 2; round++) {
      expect(await scanPorts({ address: LOOPBACK, ports: [openPort, ...closed, silent.port], limits })).toEqual({ open: [openPort], closed: closed.length, filtered: 1 });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.code === 'VIGIL_CONNECT_SCAN_MISSING').map((warning) => warning.message)).toEqual([
      `${path.join(dir, 'missing', 'vigil-connect-scan')} is not installed (scripts/setup.sh builds it, the Ansible scanner role installs it): connect scans run in this Node process, about 2-3 times slower`,
    ]);
  });

  it('a helper that dies fails the probes it had with its reason; the next probe starts a new one', async () => {
    const dying = path.join(dir, 'dying-helper');
    writeFileSync(dying, '#!/bin/sh\nread request\necho "cannot scan today" >&2\nexit 3\n');
    chmodSync(dying, 0o755);
    vi.stubEnv('VIGIL_CONNECT_SCAN_BIN', dying);
    const scanPorts = await freshScanPorts();
    await expect(scanPorts({ address: LOOPBACK, ports: [openPort], limits })).rejects.toThrow('the connect-scan helper exited (code 3): cannot scan today');
    vi.unstubAllEnvs();
    expect(await scanPorts({ address: LOOPBACK, ports: [openPort, ...closed], limits })).toEqual({ open: [openPort], closed: closed.length, filtered: 0 });
    expect(warnings).toEqual([]);
  });
});
