import type { Command } from 'commander';
import { AppError } from '../../errors/app-error';
import { verifyAuditChain } from '../../services/audit/verify-audit-chain';
import { withRuntime } from '../cli-runtime';
import { printJson } from '../cli-io';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');

  audit
    .command('verify')
    .description('check that no audit entry was edited, deleted or reordered (exit 1 naming the first broken entry)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const verdict = await withRuntime(() => verifyAuditChain());
      if (options.json) printJson(verdict);
      if (!verdict.intact) {
        const { seq, id, problem } = verdict.firstBroken;
        throw new AppError('VERIFICATION_FAILED', `audit log broken at entry seq=${seq} id=${id}: ${problem}`);
      }
      if (!options.json) process.stdout.write(`audit log intact: ${verdict.entries} ${verdict.entries === 1 ? 'entry' : 'entries'}\n`);
    });
}
