import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import path from 'node:path';
import next from 'next';
import { CLIENT_IP_HEADER } from '../auth/request-meta';
import { AppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import { projectRoot } from '../runtime/project-root';
import type { TlsMaterial } from '../crypto/internal-ca';

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/** A handler served beside Next.js (the scanner protocol): true when it answered the request. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Serves the built Next.js console over HTTPS (Next's own server speaks only plain HTTP). */
export async function startConsoleServer(options: { port: number; tls: TlsMaterial; log: Logger; rawHandlers?: RawHandler[] }): Promise<ConsoleServer> {
  const dir = projectRoot();
  if (!existsSync(path.join(dir, '.next', 'BUILD_ID'))) {
    throw new AppError('INTERNAL', `the console is not built (${path.join(dir, '.next')} is missing); run the set-up command (npm run setup)`);
  }
  try {
    createSecureContext({ cert: options.tls.cert, key: options.tls.key });
  } catch (error) {
    throw new AppError('TLS_INVALID', `the TLS certificate and key do not work together: ${(error as Error).message}`);
  }
  const app = next({ dev: false, dir, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    // The only client address the application trusts: taken from the socket, never from the client.
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? '';
    const serve = async () => {
      for (const raw of options.rawHandlers ?? []) if (await raw(req, res)) return;
      await handle(req, res);
    };
    serve().catch((error: unknown) => {
      options.log.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new AppError('INTERNAL', error.code === 'EADDRINUSE' ? `port ${options.port} is already in use (set VIGIL_PORT)` : error.message)),
    );
    // No address: Node listens on :: (IPv4 and IPv6) where the host has IPv6, else on 0.0.0.0. A console behind a
    // load balancer on an IPv6 link was unreachable while it listened on 0.0.0.0 alone.
    server.listen(options.port, resolve);
  });
  const url = `https://localhost:${options.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
