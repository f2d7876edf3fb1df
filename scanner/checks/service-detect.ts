import { Socket } from 'node:net';
import { connect as tlsConnect, type SecureVersion, type TLSSocket } from 'node:tls';
import type { DetectedService, JobLimits } from '../protocol/v1/schemas';
import { createChildAbort } from './cancellation';
import { toPrintableText } from './printable-text';
import { identifyGreeting, identifyHttpServer } from './service-fingerprints';
import { assertIpAddress } from './tcp-probe';

/**
 * Service detection on one open port, in the order that costs a service least: listen for a greeting
 * (SSH, SMTP, FTP, POP3/IMAP, MySQL speak first), else try a TLS handshake on the same connection,
 * then `GET /` over TLS or, failing TLS, over a new plain connection. Whatever the service does —
 * floods, drips, sends binary or nothing — reads are bounded in bytes and the whole detection in time,
 * and what was learnt so far is reported.
 */

const MAX_GREETING_BYTES = 4096;
const MAX_HTTP_BYTES = 16 * 1024;
const MAX_BANNER_CHARS = 1024;
const MAX_HEADER_CHARS = 256;
/** Once data flows, this long without more means the service has said its piece. */
const QUIET_MS = 300;
export const DEFAULT_ANSWER_WAIT_MS = 2000;
export const DEFAULT_SERVICE_TIMEOUT_MS = 15_000;
const TLS_VERSIONS: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

type AnySocket = Socket | TLSSocket;

interface Exchange {
  address: string;
  port: number;
  connectTimeoutMs: number;
  /** How long a silent service gets to answer (greeting, handshake, HTTP response). */
  waitMs: number;
  /** Aborts on the caller's signal or when the detection's time is up. */
  signal: AbortSignal;
  /** Every socket opened, destroyed when detection ends whatever happened. */
  sockets: Set<AnySocket>;
}

function track<S extends AnySocket>(exchange: Exchange, socket: S): S {
  exchange.sockets.add(socket);
  // Late errors from a hostile peer (resets after we stopped listening) must not crash the node.
  socket.on('error', () => {});
  return socket;
}

/** Settles once: on any of the socket's events, the timeout or the abort; cleans up its listeners. */
function waitFor<T>(options: {
  exchange: Exchange;
  timeoutMs: number;
  fallback: T;
  setup: (settle: (value: T) => void) => () => void;
}): Promise<T> {
  const { exchange, timeoutMs, fallback, setup } = options;
  return new Promise((resolve) => {
    let teardown: () => void = () => {};
    let done = false;
    const settle = (value: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      exchange.signal.removeEventListener('abort', onAbort);
      teardown();
      resolve(value);
    };
    const onAbort = () => settle(fallback);
    const timer = setTimeout(onAbort, Math.max(0, timeoutMs));
    if (exchange.signal.aborted) return settle(fallback);
    exchange.signal.addEventListener('abort', onAbort, { once: true });
    teardown = setup(settle);
  });
}

function openSocket(exchange: Exchange): Promise<Socket | null> {
  const socket = track(exchange, new Socket());
  return waitFor<Socket | null>({
    exchange,
    timeoutMs: exchange.connectTimeoutMs,
    fallback: null,
    setup: (settle) => {
      const onConnect = () => settle(socket);
      const onFail = () => settle(null);
      socket.once('connect', onConnect).once('error', onFail);
      socket.connect({ host: exchange.address, port: exchange.port });
      return () => socket.off('connect', onConnect).off('error', onFail);
    },
  });
}

/** Collects what the peer sends until `maxBytes`, the end of the stream, silence, or the wait runs out. */
function readSome(options: { exchange: Exchange; socket: AnySocket; maxBytes: number }): Promise<Buffer> {
  const { exchange, socket, maxBytes } = options;
  const chunks: Buffer[] = [];
  let size = 0;
  const collected = () => Buffer.concat(chunks, size);
  return waitFor<null>({
    exchange,
    timeoutMs: exchange.waitMs,
    fallback: null,
    setup: (settle) => {
      let quiet: NodeJS.Timeout | undefined;
      const onData = (chunk: Buffer) => {
        const room = maxBytes - size;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(room, chunk.length);
        clearTimeout(quiet);
        if (size >= maxBytes) settle(null);
        else quiet = setTimeout(() => settle(null), QUIET_MS);
      };
      const onEnd = () => settle(null);
      socket.on('data', onData).once('end', onEnd).once('close', onEnd).once('error', onEnd);
      socket.resume();
      return () => {
        clearTimeout(quiet);
        socket.pause();
        socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onEnd);
      };
    },
  }).then(collected);
}

function startTls(options: { exchange: Exchange; socket?: Socket; servername?: string; version?: SecureVersion }): Promise<TLSSocket | null> {
  const { exchange, socket, servername, version } = options;
  const tlsSocket = track(
    exchange,
    tlsConnect({
      ...(socket ? { socket } : { host: exchange.address, port: exchange.port }),
      ...(servername && { servername }),
      // Detection records certificates, it does not trust them; old protocols need the lowest security level.
      rejectUnauthorized: false,
      ...(version && { minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' }),
    }),
  );
  return waitFor<TLSSocket | null>({
    exchange,
    timeoutMs: socket ? exchange.waitMs : exchange.connectTimeoutMs + exchange.waitMs,
    fallback: null,
    setup: (settle) => {
      const onSecure = () => settle(tlsSocket);
      const onFail = () => settle(null);
      tlsSocket.once('secureConnect', onSecure).once('error', onFail).once('close', onFail);
      return () => tlsSocket.off('secureConnect', onSecure).off('error', onFail).off('close', onFail);
    },
  });
}

function describeCertificate(socket: TLSSocket): NonNullable<DetectedService['tls']> | undefined {
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) return undefined;
  const name = (text: string) => toPrintableText({ bytes: text.split('\n').join(', '), maxChars: 1024 });
  const date = (text: string) => {
    const parsed = new Date(text);
    return Number.isNaN(parsed.getTime()) ? toPrintableText({ bytes: text, maxChars: 64 }) : parsed.toISOString();
  };
  return {
    subject: name(certificate.subject),
    issuer: name(certificate.issuer),
    notBefore: date(certificate.validFrom),
    notAfter: date(certificate.validTo),
    protocols: [],
    fingerprint256: certificate.fingerprint256,
  };
}

/** Which protocol versions the service accepts: one handshake per version, in parallel. */
async function acceptedTlsVersions(options: { exchange: Exchange; servername?: string; negotiated: string | null }): Promise<string[]> {
  const accepted = await Promise.all(
    TLS_VERSIONS.map(async (version) => {
      if (version === options.negotiated) return true;
      const socket = await startTls({ exchange: options.exchange, servername: options.servername, version });
      socket?.destroy();
      return socket !== null;
    }),
  );
  return TLS_VERSIONS.filter((_, index) => accepted[index]);
}

interface HttpAnswer {
  status: number;
  server?: string;
  title?: string;
  head: string;
}

function parseHttp(bytes: Buffer): HttpAnswer | undefined {
  const text = bytes.toString('latin1');
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text);
  if (!status) return undefined;
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
  const server = /^server:[ \t]*([^\r\n]*)/im.exec(head)?.[1];
  const body = headEnd >= 0 ? bytes.subarray(headEnd + 4).toString('utf8') : '';
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim();
  return {
    status: Number(status[1]),
    head,
    ...(server && { server: toPrintableText({ bytes: Buffer.from(server, 'latin1'), maxChars: MAX_HEADER_CHARS }) }),
    ...(title && { title: toPrintableText({ bytes: title, maxChars: MAX_HEADER_CHARS }) }),
  };
}

async function requestHttp(options: { exchange: Exchange; socket: AnySocket; host: string }): Promise<Buffer> {
  const { socket, host } = options;
  const hostHeader = host.includes(':') ? `[${host}]` : host;
  socket.write(`GET / HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: Vigil-Scanner\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
  return readSome({ exchange: options.exchange, socket, maxBytes: MAX_HTTP_BYTES });
}

const banner = (bytes: Buffer | string) => toPrintableText({ bytes, maxChars: MAX_BANNER_CHARS });

/**
 * Identifies the service on an open TCP port of `address` (an IP literal; `hostname`, when the target
 * was given by name, is sent as TLS SNI and HTTP Host). Never throws for anything the service does;
 * throws the abort reason when `signal` aborts.
 */
export async function detectService(options: {
  address: string;
  port: number;
  limits: JobLimits;
  signal?: AbortSignal;
  hostname?: string;
  /** How long a silent service gets at each step (greeting, TLS handshake, HTTP answer); 2 s by default. */
  answerWaitMs?: number;
  /** The whole detection's budget (15 s by default, never more than the host's): past it, what is known is returned. */
  timeoutMs?: number;
}): Promise<DetectedService> {
  const { address, port, limits, hostname } = options;
  assertIpAddress(address);
  const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_SERVICE_TIMEOUT_MS, limits.hostTimeoutMs);
  const scope = createChildAbort({ parent: options.signal, timeoutMs });
  const exchange: Exchange = {
    address,
    port,
    connectTimeoutMs: limits.connectTimeoutMs,
    waitMs: options.answerWaitMs ?? DEFAULT_ANSWER_WAIT_MS,
    signal: scope.signal,
    sockets: new Set(),
  };
  const service: DetectedService = { port, proto: 'tcp', name: 'unknown' };
  try {
    await detectInto({ exchange, service, hostname });
  } finally {
    scope.dispose();
    for (const socket of exchange.sockets) socket.destroy();
  }
  options.signal?.throwIfAborted();
  return service;
}

async function detectInto(options: { exchange: Exchange; service: DetectedService; hostname?: string }): Promise<void> {
  const { exchange, service, hostname } = options;
  const socket = await openSocket(exchange);
  if (!socket) return;

  const greeting = await readSome({ exchange, socket, maxBytes: MAX_GREETING_BYTES });
  if (greeting.length > 0) {
    Object.assign(service, identifyGreeting({ bytes: greeting, port: exchange.port }), { banner: banner(greeting) });
    return;
  }

  const tlsSocket = socket.destroyed ? null : await startTls({ exchange, socket, servername: hostname });
  if (tlsSocket) {
    service.name = 'tls';
    // Read the certificate before the HTTP exchange: the server closes the connection after answering.
    const tls = describeCertificate(tlsSocket);
    const [answer, protocols] = await Promise.all([
      requestHttp({ exchange, socket: tlsSocket, host: hostname ?? exchange.address }),
      acceptedTlsVersions({ exchange, servername: hostname, negotiated: tlsSocket.getProtocol() }),
    ]);
    if (tls) service.tls = { ...tls, protocols };
    describeHttp({ service, answer, scheme: 'https', port: exchange.port });
    return;
  }

  socket.destroy();
  const plain = await openSocket(exchange);
  if (!plain) return;
  const answer = await requestHttp({ exchange, socket: plain, host: hostname ?? exchange.address });
  describeHttp({ service, answer, scheme: 'http', port: exchange.port });
}

function describeHttp(options: { service: DetectedService; answer: Buffer; scheme: 'http' | 'https'; port: number }): void {
  const { service, answer, scheme, port } = options;
  if (answer.length === 0) return;
  const http = parseHttp(answer);
  if (!http) {
    // Not HTTP, yet it answered: what it said may still name it.
    Object.assign(service, identifyGreeting({ bytes: answer, port }), { banner: banner(answer) });
    return;
  }
  const { head, ...fields } = http;
  const identity = http.server ? identifyHttpServer({ server: http.server, port }) : undefined;
  Object.assign(service, identity, { name: scheme, banner: banner(Buffer.from(head, 'latin1')), http: fields });
}
