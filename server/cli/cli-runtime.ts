import { loadConfig, type VigilConfig } from '../config/env';
import { createLogger, type Logger } from '../logging/logger';
import { closeRuntime, openRuntime, type Runtime } from '../runtime/runtime';

/** Tells the operator, once, where the new master key is: losing it loses every secret. */
export function announceMasterKey(file: string): void {
  process.stderr.write(
    `vigil: created the master key ${file} (mode 0600). BACK IT UP now and keep it apart from database backups: ` +
      'without it, encrypted data cannot be recovered.\n',
  );
}

export function cliConfig(): { config: VigilConfig; log: Logger } {
  const config = loadConfig();
  // CLI commands keep stdout for their output; logs go to stderr and only when they matter.
  const log = createLogger({ level: process.env.VIGIL_LOG_LEVEL ? config.logLevel : 'warn', destination: 2 });
  return { config, log };
}

/** Runs one CLI command with the database and encryption ready, then closes them. */
export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const { config, log } = cliConfig();
  const runtime = await openRuntime({ config, log, onMasterKeyCreated: announceMasterKey });
  try {
    return await work(runtime);
  } finally {
    await closeRuntime();
  }
}
