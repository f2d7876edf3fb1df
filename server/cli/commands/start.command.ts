import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the console over HTTPS on $VIGIL_PORT (default 8443), with the embedded database unless MONGODB_URI is set')
    .action(async () => {
      // Loaded here, not at the top: `vigil --help` should not pay for Next.js and mongoose.
      const { loadConfig } = await import('../../config/env');
      const { createLogger } = await import('../../logging/logger');
      const { openRuntime, closeRuntime } = await import('../../runtime/runtime');
      const { consoleTlsMaterial } = await import('../../crypto/internal-ca');
      const { startConsoleServer } = await import('../../http/console-server');
      const { stopEmbeddedDb } = await import('../../db/embedded-db');
      const { announceMasterKey } = await import('../cli-runtime');
      const config = loadConfig();
      const log = createLogger({ level: config.logLevel });
      // TLS first: a bad certificate should fail before anything is started or created.
      const tls = await consoleTlsMaterial(config);
      const runtime = await openRuntime({ config, log, onMasterKeyCreated: announceMasterKey });
      // Before the console answers /api/health, so the appliance banner finds the token file once it does.
      const { ensureSetupToken } = await import('../../services/setup/ensure-setup-token');
      const setup = await ensureSetupToken({ dataDir: config.dataDir });
      const { createScannerProtocolHandler } = await import('../../scanner-protocol/scanner-protocol-handler');
      const scannerProtocol = createScannerProtocolHandler({ encryption: runtime.encryption, log });
      const server = await startConsoleServer({ port: config.port, tls, log, rawHandlers: [scannerProtocol] });
      log.info({ url: server.url, dataDir: config.dataDir, embeddedDb: runtime.db.embedded, caFingerprint: tls.caFingerprint }, 'console listening');
      // Where the token is, never the token itself.
      if (setup.required) log.info({ setupUrl: `${server.url}/setup`, tokenFile: setup.file, expiresAt: setup.expiresAt }, 'no account exists yet: create the first administrator at /setup with the one-time setup token from tokenFile');
      const { startConsoleJobs } = await import('../../scheduler/console-jobs');
      const scheduler = startConsoleJobs({ runtime });

      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        await scheduler.stop();
        await server.close();
        await closeRuntime();
        if (runtime.startedEmbeddedDb) await stopEmbeddedDb({ dataDir: config.dataDir });
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
