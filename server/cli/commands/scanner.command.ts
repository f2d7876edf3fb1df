import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors/app-error';
import { readPackageVersion } from '../../runtime/project-root';
import { cliConfig, withRuntime } from '../cli-runtime';
import { printJson, printTable } from '../cli-io';

const CLI_ACTOR = { type: 'system' as const, id: 'cli' };

/** The node's own directory: beside the console's data by default, so one host can run both for a lab. */
function defaultNodeDataDir(): string {
  return path.resolve(process.env.VIGIL_DATA_DIR ?? 'data', 'scanner');
}

export function registerScannerCommands(program: Command): void {
  const scanner = program.command('scanner').description('scanner nodes: enrolment tokens, enrolment and the node loop');

  scanner
    .command('token')
    .description('enrolment tokens')
    .command('create')
    .description('create a one-time enrolment token (printed once)')
    .option('--name <name>', 'what the token is for', 'scanner')
    .option('--ttl-hours <hours>', 'how long the token stays usable', '24')
    .option('--json', 'print { token, name, expiresAt } as JSON')
    .action(async (options: { name: string; ttlHours: string; json?: boolean }) => {
      const ttlHours = Number(options.ttlHours);
      const { createEnrollmentToken } = await import('../../services/scanner-nodes/create-enrollment-token');
      const { consoleCertificatePin } = await import('../../services/scanner-nodes/console-certificate-pin');
      const { consoleTlsMaterial } = await import('../../crypto/internal-ca');
      const { config } = cliConfig();
      const tls = await consoleTlsMaterial(config);
      const created = await withRuntime(() => createEnrollmentToken({ name: options.name, ttlHours, pin: consoleCertificatePin(tls), actor: CLI_ACTOR }));
      if (options.json) printJson({ token: created.token, name: created.name, expiresAt: created.expiresAt.toISOString() });
      else process.stdout.write(`${created.token}\n# one-time token "${created.name}", valid until ${created.expiresAt.toISOString()}; it is not shown again\n`);
    });

  scanner
    .command('enroll')
    .description('enrol this host as a scanner node of the console at URL')
    .requiredOption('--server <url>', 'the console, e.g. https://console.example:8443')
    .option('--token-stdin', 'read the one-time enrolment token (vigil scanner token create) from stdin')
    .option('--token-file <file>', 'read the one-time enrolment token from this file')
    .option('--data-dir <dir>', 'where the node keeps its identity', defaultNodeDataDir())
    .option('--name <name>', 'the node name shown in the console', os.hostname())
    .action(async (options: { server: string; tokenStdin?: boolean; tokenFile?: string; dataDir: string; name: string }) => {
      // Never an argument: every user of the host can read another's arguments (ps, /proc/PID/cmdline).
      if (Boolean(options.tokenStdin) === (options.tokenFile !== undefined)) throw new AppError('BAD_INPUT', 'give the enrolment token with exactly one of --token-stdin (piped in) or --token-file FILE');
      const { readSecretFile, readStdin, stripOneNewline } = await import('../cli-io');
      const token = options.tokenFile !== undefined ? readSecretFile({ file: options.tokenFile, what: 'enrolment token' }) : stripOneNewline(await readStdin({ maxBytes: 4096, what: 'enrolment token' }));
      const { enrollNode } = await import('../../../scanner/node/enroll-node');
      const identity = await enrollNode({ server: options.server, token, dataDir: path.resolve(options.dataDir), name: options.name, version: readPackageVersion() });
      process.stdout.write(`enrolled as ${identity.name} (${identity.nodeId}); identity in ${path.resolve(options.dataDir)}\n`);
    });

  scanner
    .command('run')
    .description('run the scanner node loop (until SIGTERM / SIGINT)')
    .option('--data-dir <dir>', 'the node identity directory', defaultNodeDataDir())
    .option('--capacity <jobs>', 'jobs run at once', '2')
    .option('--max-rate <n>', 'new TCP connections per second for the whole node, all jobs together (0 = no node-wide cap)', '0')
    .action(async (options: { dataDir: string; capacity: string; maxRate: string }) => {
      const capacity = Number(options.capacity);
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > 64) throw new AppError('BAD_INPUT', '--capacity is 1 to 64');
      const maxRate = Number(options.maxRate);
      if (!Number.isInteger(maxRate) || maxRate < 0 || maxRate > 1_000_000) throw new AppError('BAD_INPUT', '--max-rate is 0 to 1000000');
      const { setNodeConnectionRate } = await import('../../../scanner/checks/tcp-probe');
      setNodeConnectionRate({ perSecond: maxRate });
      const { runScannerNode } = await import('../../../scanner/node/scanner-node');
      const { prepareScannerProcess } = await import('../../../scanner/node/prepare-scanner-process');
      prepareScannerProcess();
      const { createLogger } = await import('../../logging/logger');
      const log = createLogger({ level: (process.env.VIGIL_LOG_LEVEL as 'info' | undefined) ?? 'info', destination: 2 });
      const controller = new AbortController();
      process.once('SIGTERM', () => controller.abort(new Error('SIGTERM')));
      process.once('SIGINT', () => controller.abort(new Error('SIGINT')));
      log.info({ dataDir: path.resolve(options.dataDir) }, 'scanner node starting');
      await runScannerNode({ dataDir: path.resolve(options.dataDir), version: readPackageVersion(), log, signal: controller.signal, capacity });
      log.info('scanner node stopped');
    });

  scanner
    .command('list')
    .description('enrolled scanner nodes')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { listScannerNodes } = await import('../../services/scanner-nodes/list-scanner-nodes');
      const nodes = await withRuntime(() => listScannerNodes());
      if (options.json) return printJson(nodes);
      printTable(
        nodes.map((n) => ({ id: n.id, name: n.name, status: n.status, online: n.online ? 'yes' : 'no', version: n.version, heartbeat: n.lastHeartbeatAt ?? '-', jobs: String(n.leasedJobs) })),
        ['id', 'name', 'status', 'online', 'version', 'heartbeat', 'jobs'],
      );
    });

  for (const [verb, status] of [['disable', 'disabled'], ['enable', 'active'], ['revoke', 'revoked']] as const) {
    scanner
      .command(`${verb} <nodeId>`)
      .description(verb === 'revoke' ? 'revoke a node for good: it is refused from now on' : `${verb} a node`)
      .action(async (nodeId: string) => {
        const { setScannerNodeStatus } = await import('../../services/scanner-nodes/set-scanner-node-status');
        await withRuntime(() => setScannerNodeStatus({ nodeId, status, actor: CLI_ACTOR }));
        process.stdout.write(`scanner node ${nodeId}: ${status}\n`);
      });
  }
}
