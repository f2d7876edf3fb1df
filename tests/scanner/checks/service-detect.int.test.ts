import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectService } from '../../../scanner/checks/service-detect';
import type { JobLimits } from '../../../scanner/protocol/v1/schemas';
import { ensureInternalTls, type TlsMaterial } from '../../../server/crypto/internal-ca';
import { closedPorts, close, listen, LOOPBACK, openDescriptors } from './loopback-services';

const limits: JobLimits = { hostConcurrency: 1, portConcurrency: 64, perHostRate: 0, connectTimeoutMs: 1000, retries: 1, hostTimeoutMs: 60_000 };
// Short waits keep the suite quick; the defaults (2 s, 15 s) only change how long a silent service gets.
const timing = { answerWaitMs: 300, timeoutMs: 5000 };
const detect = (port: number, extra: Partial<Parameters<typeof detectService>[0]> = {}) =>
  detectService({ address: LOOPBACK, port, limits, ...timing, ...extra });

/**
 * A TCP server that says `greeting` (bytes, or a function driving the socket) to each connection. It
 * reads and drops what the client sends, so it sees the client's end and closes its side too.
 */
function greeter(greeting: Buffer | string | ((socket: Socket) => void)): Server {
  return createServer((socket) => {
    socket.on('error', () => {}).resume();
    if (typeof greeting === 'function') greeting(socket);
    else socket.write(greeting);
  });
}

function mysqlGreeting(serverVersion: string): Buffer {
  const payload = Buffer.concat([Buffer.from([10]), Buffer.from(`${serverVersion}\0`, 'latin1'), randomBytes(13), Buffer.alloc(10)]);
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}

const page = (title: string) => `<!doctype html><html><head><title>${title}</title></head><body>hello</body></html>`;

describe('detectService on loopback services', () => {
  const servers: Server[] = [];
  const ports: Record<string, number> = {};
  let tls: TlsMaterial;
  let dataDir: string;

  async function serve(name: string, server: Server) {
    servers.push(server);
    ports[name] = await listen(server);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-service-detect-'));
    tls = await ensureInternalTls({ dataDir });
    await serve('ssh', greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
    await serve('smtp', greeter('220 mail.example ESMTP Postfix (Debian/GNU)\r\n'));
    await serve('exim', greeter('220-mx.example ESMTP Exim 4.96 Mon, 03 Jun 2024 10:00:00 +0000\r\n220 No UCE\r\n'));
    await serve('ftp', greeter('220 (vsFTPd 3.0.3)\r\n'));
    await serve('imap', greeter('* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] Dovecot (Debian) ready.\r\n'));
    await serve('mysql', greeter(mysqlGreeting('10.11.6-MariaDB-0+deb12u1')));
    await serve(
      'http',
      createHttpServer((_request, response) => {
        response.writeHead(200, { Server: 'nginx/1.22.1', 'Content-Type': 'text/html' }).end(page('Vigil test page'));
      }),
    );
    await serve(
      'https',
      createHttpsServer({ cert: tls.cert, key: tls.key }, (_request, response) => {
        response.writeHead(403, { Server: 'Apache/2.4.57 (Debian)' }).end(page('Forbidden &amp; secure'));
      }),
    );
    await serve('legacy-tls', createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: 'DEFAULT:@SECLEVEL=0' }, (socket) => socket.end()));
    // Hostile services.
    await serve('flood', greeter((socket) => socket.write(Buffer.alloc(10 * 1024 * 1024, 'A'))));
    await serve('binary', greeter(Buffer.concat([Buffer.from('\x1b[31mEVIL\u202e\0'), randomBytes(2048), Buffer.from([0xff, 0xfe, 0x00, 0x07])])));
    await serve(
      'drip',
      greeter((socket) => {
        const timer = setInterval(() => socket.write('S'), 1000);
        socket.write('S');
        socket.on('close', () => clearInterval(timer));
      }),
    );
    await serve(
      'fast-drip',
      greeter((socket) => {
        const timer = setInterval(() => socket.write('S'), 100);
        socket.on('close', () => clearInterval(timer));
      }),
    );
    await serve('silent', greeter(() => {}));
    await serve('hangup', greeter((socket) => socket.destroy()));
    await serve(
      'http-flood',
      greeter((socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.69\r\n');
          socket.write(Buffer.alloc(10 * 1024 * 1024, 'X'));
        }),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all(servers.map(close));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads an SSH banner and names OpenSSH with its CPE', async () => {
    expect(await detect(ports.ssh!)).toEqual({
      port: ports.ssh,
      proto: 'tcp',
      name: 'ssh',
      product: 'OpenSSH',
      version: '9.2p1',
      cpe: 'cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*',
      banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
    });
  });

  it.each([
    ['smtp', { name: 'smtp', product: 'Postfix' }],
    ['exim', { name: 'smtp', product: 'Exim', version: '4.96', cpe: 'cpe:2.3:a:exim:exim:4.96:*:*:*:*:*:*:*' }],
    ['ftp', { name: 'ftp', product: 'vsftpd', version: '3.0.3', cpe: 'cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:*:*:*:*:*:*:*' }],
    ['imap', { name: 'imap', product: 'Dovecot' }],
    ['mysql', { name: 'mysql', product: 'MariaDB', version: '10.11.6', cpe: 'cpe:2.3:a:mariadb:mariadb:10.11.6:*:*:*:*:*:*:*' }],
  ])('identifies the %s greeting', async (name, expected) => {
    const service = await detect(ports[name]!);
    expect(service).toMatchObject(expected);
    expect(service.banner).toBeTruthy();
    if (!('version' in expected)) expect(service).not.toHaveProperty('cpe');
  });

  it('asks a silent service over HTTP: status, Server header and title', async () => {
    expect(await detect(ports.http!)).toMatchObject({
      name: 'http',
      product: 'nginx',
      version: '1.22.1',
      cpe: 'cpe:2.3:a:f5:nginx:1.22.1:*:*:*:*:*:*:*',
      http: { status: 200, server: 'nginx/1.22.1', title: 'Vigil test page' },
      banner: expect.stringMatching(/^HTTP\/1\.1 200 OK\\r\\n/),
    });
  });

  it('speaks TLS when the service does: certificate, accepted versions, then HTTP inside', async () => {
    const service = await detect(ports.https!);
    const certificate = new X509Certificate(tls.cert);
    expect(service).toMatchObject({
      name: 'https',
      product: 'Apache httpd',
      version: '2.4.57',
      cpe: 'cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*',
      http: { status: 403, server: 'Apache/2.4.57 (Debian)', title: 'Forbidden &amp; secure' },
    });
    expect(service.tls).toEqual({
      subject: certificate.subject.split('\n').join(', '),
      issuer: certificate.issuer.split('\n').join(', '),
      notBefore: new Date(certificate.validFrom).toISOString(),
      notAfter: new Date(certificate.validTo).toISOString(),
      protocols: ['TLSv1.2', 'TLSv1.3'],
      fingerprint256: certificate.fingerprint256,
    });
  });

  it('lists the old TLS versions a service still accepts', async () => {
    const service = await detect(ports['legacy-tls']!);
    expect(service.name).toBe('tls');
    expect(service.tls?.protocols).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2']);
  });

  describe('hostile services: bounded in bytes and time, never a throw', () => {
    const printable = (text: string | undefined) =>
      expect([...(text ?? '')].filter((char) => /\p{Cc}|\p{Cf}/u.test(char))).toEqual([]);

    it('a 10 MB banner is cut to 1024 printable characters', async () => {
      const started = performance.now();
      const service = await detect(ports.flood!);
      expect(service).toEqual({ port: ports.flood, proto: 'tcp', name: 'unknown', banner: 'A'.repeat(1024) });
      expect(performance.now() - started).toBeLessThan(3000);
    });

    it('binary garbage is escaped to printable text', async () => {
      const service = await detect(ports.binary!);
      expect(service.name).toBe('unknown');
      expect(service.banner).toMatch(/^\\x1b\[31mEVIL\\u202e\\x00/);
      expect(service.banner!.length).toBeLessThanOrEqual(1024);
      printable(service.banner);
    });

    it('a service dripping one byte a second is left once it goes quiet', async () => {
      const started = performance.now();
      const service = await detect(ports.drip!);
      expect(service.banner).toMatch(/^S+$/);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('a drip too quick to go quiet never outlasts the detection time budget', async () => {
      const started = performance.now();
      const service = await detect(ports['fast-drip']!, { answerWaitMs: 10_000, timeoutMs: 1500 });
      expect(service).toMatchObject({ name: 'unknown', banner: expect.stringMatching(/^S{5,}$/) });
      expect(performance.now() - started).toBeLessThan(2500);
    });

    it('a service that never says anything comes back unknown within the waits', async () => {
      const started = performance.now();
      expect(await detect(ports.silent!)).toEqual({ port: ports.silent, proto: 'tcp', name: 'unknown' });
      // Greeting, TLS handshake and HTTP answer each get one wait of 300 ms.
      expect(performance.now() - started).toBeLessThan(2500);
    });

    it('a service that hangs up at once, and a port that has closed since the scan', async () => {
      const [gone] = (await closedPorts(1)) as [number];
      expect(await detect(ports.hangup!)).toEqual({ port: ports.hangup, proto: 'tcp', name: 'unknown' });
      expect(await detect(gone)).toEqual({ port: gone, proto: 'tcp', name: 'unknown' });
    });

    it('an endless HTTP header is cut, and what it said is still used', async () => {
      const service = await detect(ports['http-flood']!);
      expect(service).toMatchObject({ name: 'http', product: 'lighttpd', version: '1.4.69', http: { status: 200, server: 'lighttpd/1.4.69' } });
      expect(service.banner!.length).toBeLessThanOrEqual(1024);
    });

    it('leaves no socket open behind it', async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = openDescriptors();
      await Promise.all(['flood', 'binary', 'silent', 'https', 'http-flood'].map((name) => detect(ports[name]!)));
      // Server ends close a moment after the client ends: they are in this process too.
      await expect.poll(openDescriptors, { timeout: 3000 }).toBeLessThanOrEqual(before);
    });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const detection = detect(ports.silent!, { signal: controller.signal, answerWaitMs: 10_000, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(detection).rejects.toThrow('cancelled');
  });

  it('takes IP addresses only', async () => {
    await expect(detectService({ address: 'localhost', port: 22, limits })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
