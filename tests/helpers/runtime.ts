import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config/env';
import { createLogger } from '../../server/logging/logger';
import { closeRuntime, openRuntime, type Runtime } from '../../server/runtime/runtime';

/** Opens the real runtime (connection + encryption) on a test database, in this process; `env`: more configuration. */
export async function openTestRuntime(options: { uri: string; masterKeyFile?: string; env?: Record<string, string> }): Promise<Runtime> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-rt-'));
  const config = loadConfig({ ...options.env, MONGODB_URI: options.uri, VIGIL_DATA_DIR: dataDir, VIGIL_MASTER_KEY_FILE: options.masterKeyFile ?? path.join(dataDir, 'master.key') });
  return openRuntime({ config, log: createLogger({ level: 'silent' }) });
}

export { closeRuntime };
