import { Option, type Command } from 'commander';
import { ROLES, type Role } from '../../auth/permissions';
import { AppError } from '../../errors/app-error';
import { createUser } from '../../services/users/create-user';
import { createUserInput } from '../../services/users/user-input';
import { withRuntime } from '../cli-runtime';
import { printJson, readStdin, stripOneNewline, zodMessage } from '../cli-io';

const MAX_PASSWORD_BYTES = 4096;

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('accounts, from the appliance itself (no sign-in needed)');

  admin
    .command('create')
    .description('create a local account (the first administrator, typically); the password is read from stdin')
    .requiredOption('--email <email>', 'e-mail address, the sign-in name')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).default('admin'))
    .option('--name <name>', 'display name', '')
    .option('--unit <id>', 'business unit id (default: the root unit)')
    .option('--json', 'print the created account as JSON')
    .action(async (options: { email: string; role: Role; name: string; unit?: string; json?: boolean }) => {
      const password = stripOneNewline(await readStdin({ maxBytes: MAX_PASSWORD_BYTES, what: 'password' }));
      const parsed = createUserInput.safeParse({ email: options.email, name: options.name, role: options.role, businessUnitId: options.unit, password });
      if (!parsed.success) throw new AppError('BAD_INPUT', zodMessage(parsed.error));
      const user = await withRuntime(() => createUser({ acting: { system: true }, input: parsed.data }));
      if (options.json) printJson(user);
      else process.stdout.write(`created ${user.role} ${user.email} (id ${user.id})\n`);
    });
}
