import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors/app-error';
import { withRuntime } from '../cli-runtime';
import { printJson, printTable } from '../cli-io';

export function registerDetectCommands(program: Command): void {
  program
    .command('detect')
    .description('offline detection: match an inventory file (SPEC.md §4, `vigil inventory --local`) against the KB')
    .requiredOption('--inventory <file>', 'the inventory JSON file')
    .option('--json', 'machine-readable output: { findings, problems }')
    .action(async (options: { inventory: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(options.inventory, 'utf8');
      } catch (error) {
        throw new AppError('BAD_INPUT', `cannot read ${options.inventory}: ${(error as Error).message}`);
      }
      const { parseInventoryJson } = await import('../../inventory/read-inventory');
      const { inventory, problems } = parseInventoryJson(text, options.inventory);
      const result = await withRuntime(async () => (await import('../../detection/detect')).detect({ inventory, problems }));
      if (options.json) {
        printJson({ findings: result.findings, problems: result.problems });
        return;
      }
      for (const problem of result.problems) process.stderr.write(`vigil: detect: ${problem.at}: ${problem.message}\n`);
      printTable(
        result.findings.map((f) => ({
          vulnerability: f.vulnId,
          severity: f.severity,
          package: f.sourcePackage && f.sourcePackage !== f.package ? `${f.package} (${f.sourcePackage})` : f.package,
          installed: f.installedVersion,
          fixed: f.fixedVersion ?? 'no fix yet',
          source: f.source,
          confidence: f.confidence,
          kev: f.kev ? 'KEV' : '',
        })),
        ['vulnerability', 'severity', 'package', 'installed', 'fixed', 'source', 'confidence', 'kev'],
      );
      process.stdout.write(`${result.findings.length} findings on ${inventory.host} (${inventory.os.name} ${inventory.os.version}), ${result.stats.subjects} packages/services matched, ${result.problems.length} problems\n`);
    });
}
