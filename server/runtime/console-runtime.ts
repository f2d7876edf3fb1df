import { loadConfig } from '../config/env';
import { createLogger } from '../logging/logger';
import { currentRuntime, openRuntime, type Runtime } from './runtime';

/**
 * The runtime for console request handlers. Under `vigil start` the CLI opened it already;
 * under `next dev` the first request opens it from the environment.
 */
export function getConsoleRuntime(): Promise<Runtime> {
  const existing = currentRuntime();
  if (existing) return existing;
  const config = loadConfig();
  return openRuntime({ config, log: createLogger({ level: config.logLevel }) });
}
