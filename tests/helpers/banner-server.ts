import net from 'node:net';

/**
 * A TCP service that greets with a banner and hangs up, as SSH, SMTP or FTP servers start. A scanner may reset
 * the connection before the greeting is flushed: that is its right, so the reset is ignored here instead of
 * surfacing as an uncaught ECONNRESET.
 */
export function bannerServer(banner: () => string): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(banner());
  });
}
