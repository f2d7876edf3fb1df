import type { Command } from 'commander';
import { embeddedDbStatus, startEmbeddedDb, stopEmbeddedDb } from '../../db/embedded-db';
import { cliConfig } from '../cli-runtime';
import { printJson } from '../cli-io';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the embedded FerretDB (SQLite) under $VIGIL_DATA_DIR');

  db.command('start')
    .description('start the embedded database (no-op when it already runs)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { config } = cliConfig();
      const status = await startEmbeddedDb({ dataDir: config.dataDir });
      if (options.json) printJson(status);
      else process.stdout.write(`${status.started ? 'started' : 'already running'}: ${status.uri} (sqlite, ${status.dataDir})\n`);
    });

  db.command('stop')
    .description('stop the embedded database')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { config } = cliConfig();
      const result = await stopEmbeddedDb({ dataDir: config.dataDir });
      if (options.json) printJson(result);
      else process.stdout.write(result.stopped ? 'stopped\n' : 'not running\n');
    });

  db.command('status')
    .description('whether the embedded database runs, and its connection string')
    .option('--json', 'machine-readable output: { running, uri, backend, dataDir }')
    .action(async (options: { json?: boolean }) => {
      const { config } = cliConfig();
      const { pid: _pid, ...status } = await embeddedDbStatus({ dataDir: config.dataDir });
      if (options.json) printJson(status);
      else process.stdout.write(status.running ? `running: ${status.uri} (sqlite, ${status.dataDir})\n` : `not running (${status.dataDir})\n`);
    });
}
