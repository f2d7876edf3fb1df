import { Option, type Command } from 'commander';
import { ROLES, type Role } from '../../auth/permissions';
import { AppError } from '../../errors/app-error';
import { discardSetupToken } from '../../services/setup/discard-setup-token';
import { ensureSetupToken } from '../../services/setup/ensure-setup-token';
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
      const user = await withRuntime(async (runtime) => {
        const created = await createUser({ acting: { system: true }, input: parsed.data });
        // An account exists now: the first-boot setup token has done its job.
        await discardSetupToken({ dataDir: runtime.config.dataDir });
        return created;
      });
      if (options.json) printJson(user);
      else process.stdout.write(`created ${user.role} ${user.email} (id ${user.id})\n`);
    });

  admin
    .command('setup-token')
    .description('print the one-time token for the first administrator (console page /setup), making a new one when none is valid; only while no account exists')
    .option('--json', 'print token, expiry and file as JSON')
    .action(async (options: { json?: boolean }) => {
      const state = await withRuntime((runtime) => ensureSetupToken({ dataDir: runtime.config.dataDir }));
      if (!state.required) throw new AppError('CONFLICT', 'setup is done: an account exists already (sign in, or add accounts with `vigil admin create`)');
      if (options.json) {
        printJson({ token: state.token, expiresAt: state.expiresAt, file: state.file, issued: state.issued });
        return;
      }
      process.stdout.write(`${state.token}\n`);
      process.stderr.write(`vigil: ${state.issued ? 'new setup token' : 'setup token'} valid until ${state.expiresAt.toISOString()} (in ${state.file}); enter it at https://<console>/setup\n`);
    });
}
