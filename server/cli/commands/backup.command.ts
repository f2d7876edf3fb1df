import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import mongoose from 'mongoose';
import type { MasterKeySource } from '../../crypto/encryption';
import { AppError } from '../../errors/app-error';
import { closeRuntime, openRuntime } from '../../runtime/runtime';
import { assertUsableProtection, generateBackupKeyPair, type BackupProtection } from '../../services/backup/backup-format';
import { createBackup } from '../../services/backup/create-backup';
import { restoreBackup } from '../../services/backup/restore-backup';
import { announceMasterKey, cliConfig, withRuntime } from '../cli-runtime';
import { printJson, readSecretFile } from '../cli-io';

/** Secret files are read like the credential vault's: one trailing newline is not part of the secret. */
function writeNewFile(options: { file: string; content: string; mode: number; what: string }): void {
  try {
    writeFileSync(options.file, options.content, { flag: 'wx', mode: options.mode });
  } catch (error) {
    throw new AppError('BAD_INPUT', `cannot write the ${options.what} ${options.file}: ${(error as Error).message}`);
  }
}

function backupProtection(options: { passphraseFile?: string; recipient?: string }): BackupProtection {
  if (options.recipient) return { recipientPublicKeyPem: readSecretFile({ file: options.recipient, what: 'recipient public key' }) };
  if (options.passphraseFile) return { passphrase: readSecretFile({ file: options.passphraseFile, what: 'passphrase' }) };
  throw new AppError('BAD_INPUT', 'a backup is always encrypted: give --passphrase-file FILE or --recipient PUBLIC_KEY_FILE (or set VIGIL_BACKUP_PASSPHRASE_FILE)');
}

const passphraseOption = () => new Option('--passphrase-file <file>', 'file holding the backup passphrase (12+ characters)').env('VIGIL_BACKUP_PASSPHRASE_FILE');

export function registerBackupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description('write an encrypted backup of the whole database (key vault included; never the master key)')
    // Not a commander requiredOption: that would be demanded of `vigil backup keygen` too.
    .option('--out <file>', 'the backup file to create (never overwritten; required)')
    .addOption(passphraseOption().conflicts('recipient'))
    .addOption(new Option('--recipient <file>', 'encrypt for this X25519 public key (PEM, from `vigil backup keygen`) instead of a passphrase').env('VIGIL_BACKUP_RECIPIENT_FILE'))
    .option('--json', 'machine-readable summary')
    .action(async (options: { out?: string; passphraseFile?: string; recipient?: string; json?: boolean }) => {
      const out = options.out;
      if (!out) throw new AppError('BAD_INPUT', "required option '--out <file>' not specified");
      const protection = backupProtection(options);
      assertUsableProtection(protection);
      const summary = await withRuntime((runtime) => createBackup({ uri: runtime.db.uri, dbName: runtime.db.dbName, out, protection, vigilVersion: runtime.version }));
      if (options.json) return printJson(summary);
      const collections = Object.keys(summary.collections).length;
      process.stdout.write(`backup written: ${summary.file} (${summary.documents} documents in ${collections} collections, ${summary.bytes} bytes)\n`);
    });

  backup
    .command('keygen')
    .description('create an X25519 key pair for `vigil backup --recipient` (keep the private key away from the Vigil hosts)')
    .requiredOption('--out-private <file>', 'private key file to create (mode 0600); `vigil restore --identity` needs it')
    .requiredOption('--out-public <file>', 'public key file to create; `vigil backup --recipient` uses it')
    .action((options: { outPrivate: string; outPublic: string }) => {
      const pair = generateBackupKeyPair();
      writeNewFile({ file: options.outPrivate, content: pair.privateKeyPem, mode: 0o600, what: 'private key' });
      writeNewFile({ file: options.outPublic, content: pair.publicKeyPem, mode: 0o644, what: 'public key' });
      process.stdout.write(`backup key pair written: ${options.outPrivate} (private), ${options.outPublic} (public), fingerprint ${pair.fingerprint}\n`);
    });

  program
    .command('restore')
    .description('restore a backup: verifies the whole file first; replaces a non-empty database only with --force')
    .argument('<file>', 'a file written by `vigil backup`')
    .addOption(passphraseOption())
    .addOption(new Option('--identity <file>', 'the X25519 private key (PEM) of a backup made with --recipient').env('VIGIL_BACKUP_IDENTITY_FILE'))
    .option('--force', 'replace a database that holds data (every collection is dropped)')
    .option('--json', 'machine-readable summary')
    .action(async (file: string, options: { passphraseFile?: string; identity?: string; force?: boolean; json?: boolean }) => {
      const unlock = {
        ...(options.passphraseFile ? { passphrase: readSecretFile({ file: options.passphraseFile, what: 'passphrase' }) } : {}),
        ...(options.identity ? { identityPrivateKeyPem: readSecretFile({ file: options.identity, what: 'identity' }) } : {}),
      };
      const { config, log } = cliConfig();
      const masterKeySource: MasterKeySource = config.kmip ? { kind: 'kmip', ...config.kmip } : { kind: 'local-file', file: config.masterKeyFile };
      let summary;
      try {
        summary = await restoreBackup({
          file,
          unlock,
          force: Boolean(options.force),
          masterKeySource,
          openDatabase: async () => {
            const runtime = await openRuntime({ config, log, onMasterKeyCreated: announceMasterKey });
            // Mongoose creates the loaded models' collections and indexes just after connecting; let it finish
            // before the restore drops and recreates collections.
            await Promise.allSettled(mongoose.modelNames().map((name) => mongoose.model(name).init()));
            return runtime.db;
          },
        });
      } finally {
        await closeRuntime();
      }
      if (options.json) return printJson(summary);
      const collections = Object.keys(summary.collections).length;
      process.stdout.write(`restored ${summary.documents} documents in ${collections} collections from ${file} (backup of ${summary.createdAt}, Vigil ${summary.vigilVersion})\n`);
    });
}
