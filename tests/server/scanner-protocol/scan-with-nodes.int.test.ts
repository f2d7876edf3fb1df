import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../server/runtime/runtime';
import { ScanHostResultModel } from '../../../server/models/scan-job.model';
import { ConsoleRequestError, createConsoleClient, postUnsigned } from '../../../scanner/node/console-client';
import { heartbeatResponseSchema } from '../../../scanner/protocol/v1/schemas';
import { cleanEnv, runVigil, tempDataDir } from '../../helpers/cli';
import { bannerServer } from '../../helpers/banner-server';
import { closeRuntime, openTestRuntime } from '../../helpers/runtime';
import { enrollTestNode, startProtocolConsole, type ProtocolConsole, type TestNode } from '../../helpers/scanner-lab';
import { dropDatabase, dumpContains, rawDump, testDatabaseUri } from '../../helpers/test-db';

const { uri } = testDatabaseUri();
const keyDir = tempDataDir();
const masterKeyFile = path.join(keyDir, 'master.key');
const cliEnv = cleanEnv({ MONGODB_URI: uri, VIGIL_MASTER_KEY_FILE: masterKeyFile, VIGIL_DATA_DIR: keyDir });
const BANNER_MARKER = 'Banner-marker-5f3a';

let runtime: Runtime;
let consoleServer: ProtocolConsole;
let nodes: TestNode[] = [];
let webServer: http.Server;
let smtpServer: net.Server;

const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  runtime = await openTestRuntime({ uri, masterKeyFile });
  consoleServer = await startProtocolConsole({ runtime, leaseTtlMs: 8000 });
  webServer = http.createServer((_req, res) => res.writeHead(200, { server: 'nginx/1.22.1', 'content-type': 'text/html' }).end('<html><head><title>Lab portal</title></head></html>'));
  smtpServer = bannerServer(() => `220 lab.example ESMTP Postfix (Debian/GNU) ${BANNER_MARKER}\r\n`);
  await Promise.all([listen(webServer), listen(smtpServer)]);
  nodes = await Promise.all([enrollTestNode({ console: consoleServer, name: 'node-a' }), enrollTestNode({ console: consoleServer, name: 'node-b' })]);
  for (const node of nodes) node.start();
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
  webServer?.close();
  smtpServer?.close();
  await consoleServer?.close();
  await closeRuntime();
  await dropDatabase(uri);
});

describe('scanner nodes and a scan over loopback', () => {
  it('refuses an enrolment token the second time', async () => {
    const token = await consoleServer.createToken('once');
    await enrollTestNode({ console: consoleServer, name: 'first', token });
    const tokenFile = path.join(tempDataDir(), 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const again = await runVigil(['scanner', 'enroll', '--server', consoleServer.url, '--token-file', tokenFile, '--data-dir', path.join(tempDataDir(), 'n')], { env: cleanEnv({}) });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/invalid, expired or already used/);
  });

  it('refuses a token pinned to another certificate before sending it anywhere', async () => {
    const token = (await consoleServer.createToken('pinned')).replace(/\.[0-9a-f]{64}$/, `.${'0'.repeat(64)}`);
    const result = await runVigil(['scanner', 'enroll', '--server', consoleServer.url, '--token-stdin', '--data-dir', path.join(tempDataDir(), 'n')], { env: cleanEnv({}), input: token });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/does not present the certificate the token pins/);
  });

  it('takes the token piped in or from a file, never as an argument, which any user of the host can read', async () => {
    const token = await consoleServer.createToken('argv');
    const enrol = (args: string[], input = '') => runVigil(['scanner', 'enroll', '--server', consoleServer.url, ...args, '--data-dir', path.join(tempDataDir(), 'n')], { env: cleanEnv({}), input });
    const onArgv = await enrol(['--token', token]);
    expect(onArgv.code).not.toBe(0);
    expect(onArgv.stderr).toMatch(/unknown option '--token'/);
    for (const both of [[], ['--token-stdin', '--token-file', '/nonexistent']]) {
      const refused = await enrol(both, token);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/exactly one of --token-stdin \(piped in\) or --token-file FILE/);
    }
    const missing = await enrol(['--token-file', path.join(tempDataDir(), 'no-such-token')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read the enrolment token file/);
    // None of these spent it.
    await enrollTestNode({ console: consoleServer, name: 'piped', token });
  });

  it('refuses unsigned requests and requests signed with another key', async () => {
    const connection = { server: consoleServer.url, pin: consoleServer.tls.caFingerprint!, pinnedCertificatePem: consoleServer.tls.caCert! };
    const heartbeat = { version: 'x', load: { running: 0, capacity: 1, loadAverage: 0 }, capabilities: [], leases: [] };
    await expect(postUnsigned({ connection, operation: '/heartbeat', payload: heartbeat, schema: heartbeatResponseSchema })).rejects.toMatchObject({ status: 401 });
    const impostor = createConsoleClient({ connection, nodeId: nodes[0]!.nodeId, privateKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const refused = await impostor.post({ operation: '/heartbeat', payload: heartbeat, schema: heartbeatResponseSchema }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConsoleRequestError);
    expect((refused as ConsoleRequestError).status).toBe(401);
  });

  it('scans six loopback hosts with two nodes: every host stored exactly once, services recognised', async () => {
    const ports = `${(webServer.address() as AddressInfo).port},${(smtpServer.address() as AddressInfo).port}`;
    const created = await runVigil(['scan', 'create', '--name', 'lab', '--targets', '127.0.0.1-6', '--exclude', '127.0.0.5', '--ports', ports, '--hosts-per-job', '1'], { env: cliEnv });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const launched = await runVigil(['scan', 'launch', 'lab', '--wait', '--json', '--timeout', '100'], { env: cliEnv, timeoutMs: 110_000 });
    expect(launched.stderr).toBe('');
    const output = JSON.parse(launched.stdout) as { run: { status: string; progress: { hostsTotal: number; hostsDone: number }; hosts: { address: string; nodeId: string }[] }; assets: { addresses: string[]; services: { port: number; name: string; product: string | null; http: { title: string | null } | null }[] }[] };
    expect(output.run.status).toBe('completed');
    expect(output.run.progress).toMatchObject({ hostsTotal: 5, hostsDone: 5 });
    expect(output.run.hosts.map((h) => h.address).sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.6']);
    expect(new Set(output.run.hosts.map((h) => h.nodeId)).size).toBeGreaterThanOrEqual(1);
    for (const host of output.run.hosts) expect(nodes.map((n) => n.nodeId)).toContain(host.nodeId);
    const lab = output.assets.find((asset) => asset.addresses.includes('127.0.0.1'))!;
    expect(lab.services.map((s) => [s.name, s.product])).toEqual(
      expect.arrayContaining([
        ['http', 'nginx'],
        ['smtp', 'Postfix'],
      ]),
    );
    expect(lab.services.find((s) => s.name === 'http')!.http!.title).toBe('Lab portal');
    expect(await ScanHostResultModel.countDocuments({})).toBe(5);
  });

  it('keeps banners out of the database in clear', async () => {
    expect(dumpContains(await rawDump(uri), BANNER_MARKER)).toBe(false);
  });

  it('refuses a revoked node: its loop ends and it gets nothing', async () => {
    const victim = nodes[1]!;
    const revoked = await runVigil(['scanner', 'revoke', victim.nodeId], { env: cliEnv });
    expect(revoked.code).toBe(0);
    const exit = await new Promise<number | null>((resolve) => victim.process!.once('exit', (code) => resolve(code)));
    expect(exit).not.toBe(0);
    expect(victim.logs()).toMatch(/not recognised/);
    const listed = JSON.parse((await runVigil(['scanner', 'list', '--json'], { env: cliEnv })).stdout) as { id: string; status: string }[];
    expect(listed.find((n) => n.id === victim.nodeId)!.status).toBe('revoked');
  });
});
