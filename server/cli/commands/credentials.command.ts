import { Option, type Command } from 'commander';
import { SYSTEM_SCOPE } from '../../auth/scope';
import { AppError } from '../../errors/app-error';
import { CREDENTIAL_TYPES, type CredentialType } from '../../models/credential.model';
import { addCredential } from '../../services/credentials/add-credential';
import { addCredentialInput, rotateCredentialInput } from '../../services/credentials/credential-input';
import type { CredentialMetadata } from '../../services/credentials/credential-metadata';
import { getCredential } from '../../services/credentials/get-credential';
import { deleteCredential } from '../../services/credentials/delete-credential';
import { listCredentials } from '../../services/credentials/list-credentials';
import { rotateCredential } from '../../services/credentials/rotate-credential';
import { withRuntime } from '../cli-runtime';
import { printJson, printTable, readSecretFile, readStdin, stripOneNewline, zodMessage } from '../cli-io';

const MAX_STDIN_BYTES = 64 * 1024;

interface SecretOptions {
  passphraseFile?: string;
  sudoPasswordFile?: string;
}

/** stdin holds the password (ssh-password) or the private key (ssh-key); extras come from files. */
async function readSecretParts(type: CredentialType, options: SecretOptions) {
  const what = type === 'ssh-key' ? 'private key' : 'password';
  const stdin = await readStdin({ maxBytes: MAX_STDIN_BYTES, what });
  const parts = type === 'ssh-key' ? { privateKey: stdin.trim() ? stdin : undefined } : { password: stripOneNewline(stdin) || undefined };
  return {
    ...parts,
    ...(options.passphraseFile ? { passphrase: readSecretFile({ file: options.passphraseFile, what: 'passphrase' }) } : {}),
    ...(options.sudoPasswordFile ? { sudoPassword: readSecretFile({ file: options.sudoPasswordFile, what: 'sudo password' }) } : {}),
  };
}

function printMetadata(credentials: CredentialMetadata[], json: boolean | undefined): void {
  if (json) return printJson(credentials);
  printTable(
    credentials.map((c) => ({ name: c.name, type: c.type, username: c.username, sudo: c.sudo ? 'yes' : 'no', created: c.createdAt, rotated: c.rotatedAt ?? '-' })),
    ['name', 'type', 'username', 'sudo', 'created', 'rotated'],
  );
}

export function registerCredentialCommands(program: Command): void {
  const credentials = program.command('credentials').description('the credential vault for authenticated scans (secrets are encrypted)');

  credentials
    .command('add')
    .description('add a credential; the password (ssh-password) or private key (ssh-key) is read from stdin')
    .requiredOption('--name <name>', 'unique name')
    .addOption(new Option('--type <type>', 'credential type').choices(CREDENTIAL_TYPES).makeOptionMandatory())
    .requiredOption('--username <user>', 'login name on the target')
    .option('--sudo', 'elevate with sudo for inventory commands (with the login password unless --sudo-password-file)')
    .option('--passphrase-file <file>', 'file holding the private key passphrase (ssh-key)')
    .option('--sudo-password-file <file>', 'file holding a sudo password different from the login password')
    .option('--json', 'print the stored metadata as JSON')
    .action(async (options: { name: string; type: CredentialType; username: string; sudo?: boolean; json?: boolean } & SecretOptions) => {
      const secret = await readSecretParts(options.type, options);
      const parsed = addCredentialInput.safeParse({ name: options.name, type: options.type, username: options.username, sudo: Boolean(options.sudo), ...secret });
      if (!parsed.success) throw new AppError('BAD_INPUT', zodMessage(parsed.error));
      const created = await withRuntime((runtime) => addCredential({ scope: SYSTEM_SCOPE, encryption: runtime.encryption, input: parsed.data }));
      if (options.json) printJson(created);
      else process.stdout.write(`added credential "${created.name}" (${created.type}, user ${created.username})\n`);
    });

  credentials
    .command('list')
    .description('list credentials (never prints secret material)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      printMetadata(await withRuntime(() => listCredentials({ scope: SYSTEM_SCOPE })), options.json);
    });

  credentials
    .command('rotate <name>')
    .description('replace the secret of a credential; the new password or private key is read from stdin')
    .option('--passphrase-file <file>', 'file holding the private key passphrase (ssh-key)')
    .option('--sudo-password-file <file>', 'file holding the sudo password')
    .option('--json', 'print the updated metadata as JSON')
    .action(async (name: string, options: SecretOptions & { json?: boolean }) => {
      const updated = await withRuntime(async (runtime) => {
        const existing = await getCredential({ scope: SYSTEM_SCOPE, ref: { name } });
        const parsed = rotateCredentialInput.safeParse(await readSecretParts(existing.type, options));
        if (!parsed.success) throw new AppError('BAD_INPUT', zodMessage(parsed.error));
        return rotateCredential({ scope: SYSTEM_SCOPE, encryption: runtime.encryption, ref: { id: existing.id }, input: parsed.data });
      });
      if (options.json) printJson(updated);
      else process.stdout.write(`rotated credential "${updated.name}"\n`);
    });

  credentials
    .command('delete <name>')
    .description('delete a credential')
    .action(async (name: string) => {
      await withRuntime(() => deleteCredential({ scope: SYSTEM_SCOPE, ref: { name } }));
      process.stdout.write(`deleted credential "${name}"\n`);
    });
}
