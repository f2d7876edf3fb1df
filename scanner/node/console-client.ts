import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import https from 'node:https';
import tls, { type PeerCertificate } from 'node:tls';
import type { z } from 'zod';
import { errorResponseSchema, NODE_ID_HEADER, PROTOCOL_BASE_PATH, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../protocol/v1/schemas';
import { certificatePin, signRequest } from '../protocol/v1/signing';

/** Largest answer a node reads: a job spec with a few thousand hosts. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** An answer of the console, or no answer at all (status 0). Retryable: the console may be restarting. */
export class ConsoleRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleRequestError';
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The certificates of a TLS peer, leaf first (Node links them through issuerCertificate). */
export function peerChain(leaf: PeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let cert: tls.DetailedPeerCertificate | undefined = leaf as tls.DetailedPeerCertificate;
  while (cert?.raw && !chain.some((seen) => seen.equals(cert!.raw))) {
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}

export interface ConsoleConnection {
  server: string;
  pin: string;
  pinnedCertificatePem: string;
}

/**
 * Trust for every request: the system roots plus the pinned certificate, and the pinned certificate must be in
 * the chain the console presents — so neither a public CA nor a look-alike server can stand in for the console.
 */
function agentOptions(connection: ConsoleConnection): https.RequestOptions {
  return {
    ca: [connection.pinnedCertificatePem, ...tls.rootCertificates],
    checkServerIdentity: (host, cert) => {
      const error = tls.checkServerIdentity(host, cert);
      if (error) return error;
      if (!peerChain(cert).some((der) => certificatePin(der) === connection.pin)) return new Error('the console certificate does not match the pinned one');
      return undefined;
    },
  };
}

async function request(options: { connection: ConsoleConnection; path: string; body: string; headers: Record<string, string>; signal?: AbortSignal; timeoutMs: number }): Promise<{ status: number; text: string }> {
  const url = new URL(options.path, options.connection.server);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        ...agentOptions(options.connection),
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)), ...options.headers },
        timeout: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error('console answer too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the console within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(new ConsoleRequestError(0, 'UNREACHABLE', `console unreachable: ${error.message}`)));
    req.end(options.body);
  });
}

function decode<S extends z.ZodType>(status: number, text: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConsoleRequestError(status || 502, 'BAD_ANSWER', `the console answered ${status} with something that is not JSON`);
  }
  if (status !== 200) {
    const error = errorResponseSchema.safeParse(json);
    throw new ConsoleRequestError(status, error.success ? error.data.error.code : 'HTTP', error.success ? error.data.error.message : `HTTP ${status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConsoleRequestError(502, 'BAD_ANSWER', `the console's answer does not match protocol v1: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Unsigned request: enrolment, the only call a node makes before it has an identity. */
export async function postUnsigned<S extends z.ZodType>(options: { connection: ConsoleConnection; operation: string; payload: unknown; schema: S; timeoutMs?: number }): Promise<z.infer<S>> {
  const { status, text } = await request({ connection: options.connection, path: `${PROTOCOL_BASE_PATH}${options.operation}`, body: JSON.stringify(options.payload), headers: {}, timeoutMs: options.timeoutMs ?? 30_000 });
  return decode(status, text, options.schema);
}

export interface ConsoleClient {
  post<S extends z.ZodType>(options: { operation: string; payload: unknown; schema: S; signal?: AbortSignal; timeoutMs?: number }): Promise<z.infer<S>>;
}

/** Signed requests with the node's identity: every call after enrolment. */
export function createConsoleClient(options: { connection: ConsoleConnection; nodeId: string; privateKeyPem: string }): ConsoleClient {
  const privateKey: KeyObject = createPrivateKey(options.privateKeyPem);
  return {
    async post({ operation, payload, schema, signal, timeoutMs }) {
      const path = `${PROTOCOL_BASE_PATH}${operation}`;
      const body = JSON.stringify(payload);
      const timestamp = String(Date.now());
      const signature = signRequest({ privateKey, method: 'POST', path, timestamp, body });
      const { status, text } = await request({
        connection: options.connection,
        path,
        body,
        headers: { [NODE_ID_HEADER]: options.nodeId, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature },
        ...(signal ? { signal } : {}),
        timeoutMs: timeoutMs ?? 60_000,
      });
      return decode(status, text, schema);
    },
  };
}

/** The certificate with the given pin from the chain a TLS server presents (before anything is trusted). */
export async function fetchPinnedCertificate(options: { server: string; pin: string; timeoutMs?: number }): Promise<string> {
  const url = new URL(options.server);
  if (url.protocol !== 'https:') throw new ConsoleRequestError(0, 'BAD_URL', `the console URL must be https://, not ${url.protocol}`);
  const chain = await new Promise<Buffer[]>((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port || 443), servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname, rejectUnauthorized: false, timeout: options.timeoutMs ?? 15_000 }, () => {
      const certs = peerChain(socket.getPeerCertificate(true));
      socket.end();
      resolve(certs);
    });
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', (error) => reject(new ConsoleRequestError(0, 'UNREACHABLE', `cannot reach the console at ${options.server}: ${error.message}`)));
  });
  const der = chain.find((cert) => certificatePin(cert) === options.pin);
  if (!der) throw new ConsoleRequestError(0, 'PIN_MISMATCH', `the console at ${options.server} does not present the certificate the token pins: wrong server, or someone in between`);
  return new X509Certificate(der).toString();
}
