import { Command, CommanderError } from 'commander';
import { isAppError } from '../errors/app-error';
import { readPackageVersion } from '../runtime/project-root';
import { registerAdminCommands } from './commands/admin.command';
import { registerAuditCommands } from './commands/audit.command';
import { registerBackupCommands } from './commands/backup.command';
import { registerCredentialCommands } from './commands/credentials.command';
import { registerDbCommands } from './commands/db.command';
import { registerDetectCommands } from './commands/detect.command';
import { registerInventoryCommands } from './commands/inventory.command';
import { registerKbCommands } from './commands/kb.command';
import { registerScanCommands } from './commands/scan.command';
import { registerScannerCommands } from './commands/scanner.command';
import { registerStartCommand } from './commands/start.command';

/** Exit codes: 0 ok, 1 failure, 2 invalid usage or configuration. */
function exitCodeOf(error: unknown): number {
  if (isAppError(error)) return error.code === 'CONFIG_INVALID' || error.code === 'BAD_INPUT' ? 2 : 1;
  return 1;
}

/** One clear line per problem on stderr; never a stack trace for expected errors. */
function reportError(error: unknown): void {
  const message = isAppError(error) ? error.message : error instanceof Error ? error.message : String(error);
  for (const line of message.split('\n')) process.stderr.write(`vigil: ${line}\n`);
  if (!isAppError(error) && process.env.VIGIL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
}

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil — self-hosted vulnerability management')
    .version(readPackageVersion(), '-V, --version')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`vigil: ${text.replace(/^error: /, '').trimEnd()}\n`) });
  registerDbCommands(program);
  registerStartCommand(program);
  registerAdminCommands(program);
  registerCredentialCommands(program);
  registerKbCommands(program);
  registerAuditCommands(program);
  registerInventoryCommands(program);
  registerDetectCommands(program);
  registerScannerCommands(program);
  registerScanCommands(program);
  registerBackupCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(error);
    process.exitCode = exitCodeOf(error);
  }
}
