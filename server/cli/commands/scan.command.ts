import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { SYSTEM_SCOPE } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { withRuntime } from '../cli-runtime';
import { printJson, printTable } from '../cli-io';

const CLI_ACTOR = { type: 'system' as const, id: 'cli' };
const list = (value: string) => value.split(/[\s,]+/).filter(Boolean);
const FINISHED = new Set(['completed', 'failed', 'cancelled']);

function integer(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new AppError('BAD_INPUT', `${what} must be a whole number`);
  return n;
}

export function registerScanCommands(program: Command): void {
  const scan = program.command('scan').description('scans: create, launch, follow');

  scan
    .command('create')
    .description('create a scan')
    .requiredOption('--name <name>', 'unique name')
    .requiredOption('--targets <list>', 'addresses, ranges (a-b), CIDRs, host names; comma or space separated')
    .requiredOption('--ports <spec>', 'e.g. 22,80,443,8000-8100')
    .option('--exclude <list>', 'never touch these (addresses, ranges, CIDRs); always wins')
    .option('--credential <name>', 'SSH credential for the authenticated inventory')
    .option('--profile <profile>', 'discovery | services | inventory (default: inventory with a credential, else services)')
    .option('--schedule <cron>', 'five-field cron expression, e.g. "0 2 * * *"')
    .option('--hosts-per-job <n>', 'hosts per leased job')
    .option('--connect-timeout <ms>', 'TCP connect timeout')
    .option('--json', 'print the scan as JSON')
    .action(async (options: { name: string; targets: string; ports: string; exclude?: string; credential?: string; profile?: string; schedule?: string; hostsPerJob?: string; connectTimeout?: string; json?: boolean }) => {
      const { createScan } = await import('../../services/scans/create-scan');
      const { toScanSummary } = await import('../../services/scans/list-scans');
      const connectTimeoutMs = integer(options.connectTimeout, '--connect-timeout');
      const hostsPerJob = integer(options.hostsPerJob, '--hosts-per-job');
      const created = await withRuntime(() =>
        createScan({
          scope: SYSTEM_SCOPE,
          actor: CLI_ACTOR,
          input: {
            name: options.name,
            targets: list(options.targets),
            exclusions: options.exclude ? list(options.exclude) : [],
            ports: options.ports,
            ...(options.profile ? { profile: options.profile as 'discovery' } : {}),
            ...(options.credential ? { credential: options.credential } : {}),
            ...(options.schedule ? { schedule: options.schedule } : {}),
            ...(hostsPerJob ? { hostsPerJob } : {}),
            ...(connectTimeoutMs ? { limits: { connectTimeoutMs } } : {}),
          },
        }),
      );
      if (options.json) printJson(toScanSummary(created, null));
      else process.stdout.write(`created scan "${created.name}" (${created.profile}${created.schedule ? `, schedule ${created.schedule}` : ''})\n`);
    });

  scan
    .command('list')
    .description('scans and their latest run')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { listScans } = await import('../../services/scans/list-scans');
      const scans = await withRuntime(() => listScans({ scope: SYSTEM_SCOPE }));
      if (options.json) return printJson(scans);
      printTable(
        scans.map((s) => ({ name: s.name, profile: s.profile, targets: s.targets.join(' '), schedule: s.schedule ?? '-', last: s.lastRun ? `${s.lastRun.status} ${s.lastRun.createdAt}` : '-' })),
        ['name', 'profile', 'targets', 'schedule', 'last'],
      );
    });

  scan
    .command('launch <name>')
    .description('launch a scan now; with --wait, follow it to the end and print hosts, assets and findings')
    .option('--wait', 'wait until the run ends')
    .option('--timeout <seconds>', 'give up waiting after this long', '3600')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { wait?: boolean; timeout: string; json?: boolean }) => {
      const { launchScan } = await import('../../services/scans/launch-scan');
      const { getScanRun } = await import('../../services/scans/get-scan-run');
      const { getAsset } = await import('../../services/assets/get-asset');
      const timeoutMs = (integer(options.timeout, '--timeout') ?? 3600) * 1000;
      const output = await withRuntime(async () => {
        const run = await launchScan({ scope: SYSTEM_SCOPE, ref: { name }, actor: CLI_ACTOR });
        if (!options.wait) return { run: await getScanRun({ scope: SYSTEM_SCOPE, runId: run._id }) };
        const deadline = Date.now() + timeoutMs;
        let view = await getScanRun({ scope: SYSTEM_SCOPE, runId: run._id });
        while (!FINISHED.has(view.status)) {
          if (Date.now() > deadline) throw new AppError('INTERNAL', `run ${run._id} still ${view.status} after ${options.timeout} s (${view.progress.hostsDone}/${view.progress.hostsTotal} hosts); is a scanner node running?`);
          if (!options.json) process.stderr.write(`\r${view.progress.hostsDone}/${view.progress.hostsTotal} hosts`);
          await sleep(1000);
          view = await getScanRun({ scope: SYSTEM_SCOPE, runId: run._id });
        }
        const assetIds = [...new Set(view.hosts.map((h) => h.assetId).filter((id): id is string => !!id))];
        const assets = [];
        for (const id of assetIds) {
          const asset = await getAsset({ scope: SYSTEM_SCOPE, id });
          assets.push({ ...asset, findings: asset.findings.filter((f) => f.status !== 'fixed') });
        }
        return { run: view, assets };
      });
      if (options.json) return printJson(output);
      const { run } = output;
      process.stdout.write(`${options.wait ? '\n' : ''}run ${run.id} of "${run.scanName}": ${run.status}, ${run.progress.hostsDone}/${run.progress.hostsTotal} hosts\n`);
      for (const asset of output.assets ?? []) {
        process.stdout.write(`  ${asset.name} (${asset.addresses.join(', ')}): ${asset.serviceCount} services, ${asset.packageCount} packages, ${asset.findings.length} open findings\n`);
      }
      if (run.status === 'failed') process.exitCode = 1;
    });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    scan
      .command(`${action} <runId>`)
      .description(`${action} a scan run`)
      .action(async (runId: string) => {
        const { controlScanRun } = await import('../../services/scans/control-scan-run');
        const run = await withRuntime(() => controlScanRun({ scope: SYSTEM_SCOPE, runId, action, actor: CLI_ACTOR }));
        process.stdout.write(`run ${run._id}: ${run.status}\n`);
      });
  }
}
