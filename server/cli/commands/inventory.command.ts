import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors/app-error';
import { collectLocalInventory } from '../../inventory/collect-local-inventory';

export function registerInventoryCommands(program: Command): void {
  program
    .command('inventory')
    .description("this host's inventory (os-release, kernel, dpkg/rpm/apk packages) as JSON, the input of `vigil detect`")
    .requiredOption('--local', 'inventory the host this command runs on')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (options: { local: boolean; out?: string }) => {
      const { inventory, problems } = await collectLocalInventory();
      for (const problem of problems) process.stderr.write(`vigil: inventory: ${problem.at}: ${problem.message}\n`);
      const json = `${JSON.stringify(inventory, null, 2)}\n`;
      if (!options.out) {
        process.stdout.write(json);
        return;
      }
      try {
        writeFileSync(options.out, json);
      } catch (error) {
        throw new AppError('BAD_INPUT', `cannot write ${options.out}: ${(error as Error).message}`);
      }
      process.stderr.write(`vigil: wrote ${inventory.packages.length} packages of ${inventory.host} (${inventory.os.name} ${inventory.os.version}) to ${options.out}\n`);
    });
}
