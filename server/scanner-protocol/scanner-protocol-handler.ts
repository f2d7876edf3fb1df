import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { FieldEncryption } from '../crypto/encryption';
import { AppError, isAppError, type AppErrorCode } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import type { ScannerNode } from '../models/scanner-node.model';
import { authenticateNode, requireActiveNode } from '../services/scanner-nodes/authenticate-node';
import { enrollScannerNode } from '../services/scanner-nodes/enroll-scanner-node';
import { recordHeartbeat } from '../services/scanner-nodes/record-heartbeat';
import { completeScanJob, failScanJob, releaseScanJob } from '../services/scans/end-scan-job';
import { getJobCredential } from '../services/scans/get-job-credential';
import { leaseNextJob } from '../services/scans/lease-next-job';
import { recordJobChunk } from '../services/scans/record-job-chunk';
import { DEFAULT_JOB_LEASE_MS } from '../services/scans/scan-job-lease';
import {
  chunkRequestSchema,
  enrollRequestSchema,
  failRequestSchema,
  heartbeatRequestSchema,
  leaseRequestSchema,
  MAX_REQUEST_BYTES,
  NODE_ID_HEADER,
  pollRequestSchema,
  PROTOCOL_BASE_PATH,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../../scanner/protocol/v1/schemas';

const HTTP_STATUS: Partial<Record<AppErrorCode, number>> = { BAD_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429 };

export interface ScannerProtocolOptions {
  encryption: FieldEncryption;
  log: Logger;
  /** Lease lifetime without a heartbeat (default 60 s; tests shorten it to exercise hand-over). */
  leaseTtlMs?: number;
  /** How often a long poll looks at the queue again. */
  pollIntervalMs?: number;
}

interface Request {
  node: ScannerNode;
  body: unknown;
  jobId: string | undefined;
  closed: () => boolean;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) throw new AppError('BAD_INPUT', `request body over ${MAX_REQUEST_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new AppError('BAD_INPUT', `request body over ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Scanner protocol v1 over the console's HTTPS port (scanner/protocol/v1/PROTOCOL.md). Transport only: it reads
 * and bounds the body, authenticates the node's signature, validates with the shared zod schemas, calls the
 * domain services and maps their errors to HTTP statuses. Returns false for paths that are not its own.
 */
export function createScannerProtocolHandler(options: ScannerProtocolOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_JOB_LEASE_MS;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;

  const longPoll = async ({ node, body, closed }: Request) => {
    requireActiveNode(node);
    const { capacity, waitSeconds } = parse(pollRequestSchema, body);
    if (capacity === 0) return { job: null };
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const job = await leaseNextJob({ node, leaseTtlMs });
      if (job || Date.now() + pollIntervalMs > deadline || closed()) return { job };
      await sleep(pollIntervalMs);
    }
  };

  const jobRoutes: Record<string, (request: Request & { jobId: string }) => Promise<unknown>> = {
    chunks: async ({ node, body, jobId }) => {
      requireActiveNode(node);
      const chunk = parse(chunkRequestSchema, body);
      return recordJobChunk({ node, jobId, leaseId: chunk.leaseId, seq: chunk.seq, result: chunk.result, encryption: options.encryption });
    },
    complete: async ({ node, body, jobId }) => {
      await completeScanJob({ node, jobId, leaseId: parse(leaseRequestSchema, body).leaseId });
      return { ok: true };
    },
    fail: async ({ node, body, jobId }) => {
      const failure = parse(failRequestSchema, body);
      await failScanJob({ node, jobId, leaseId: failure.leaseId, error: failure.error, retryable: failure.retryable });
      return { ok: true };
    },
    release: async ({ node, body, jobId }) => {
      await releaseScanJob({ node, jobId, leaseId: parse(leaseRequestSchema, body).leaseId });
      return { ok: true };
    },
    credential: async ({ node, body, jobId }) => {
      requireActiveNode(node);
      return { credential: await getJobCredential({ node, jobId, leaseId: parse(leaseRequestSchema, body).leaseId }) };
    },
  };

  const route = async (req: IncomingMessage, path: string, raw: string, closed: () => boolean): Promise<unknown> => {
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      throw new AppError('BAD_INPUT', 'the request body is not JSON');
    }
    const ip = req.socket.remoteAddress ?? null;
    const relative = path.slice(PROTOCOL_BASE_PATH.length);
    if (relative === '/enroll') return enrollScannerNode({ request: parse(enrollRequestSchema, body), ip });
    const node = await authenticateNode({
      nodeId: header(req, NODE_ID_HEADER),
      timestamp: header(req, TIMESTAMP_HEADER),
      signature: header(req, SIGNATURE_HEADER),
      method: req.method ?? 'POST',
      path,
      body: raw,
    });
    if (relative === '/heartbeat') return recordHeartbeat({ node, request: parse(heartbeatRequestSchema, body), leaseTtlMs });
    if (relative === '/jobs/poll') return longPoll({ node, body, jobId: undefined, closed });
    const match = /^\/jobs\/([A-Za-z0-9_.:-]{1,128})\/([a-z]+)$/.exec(relative);
    const handler = match ? jobRoutes[match[2]!] : undefined;
    if (!match || !handler) throw new AppError('NOT_FOUND', `no such scanner protocol operation: ${relative}`);
    return handler({ node, body, jobId: match[1]!, closed });
  };

  return async (req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path !== PROTOCOL_BASE_PATH && !path.startsWith(`${PROTOCOL_BASE_PATH}/`)) return false;
    let closed = false;
    res.once('close', () => {
      closed = true;
    });
    try {
      if (req.method !== 'POST') throw new AppError('BAD_INPUT', 'the scanner protocol takes POST requests only');
      const raw = await readBody(req);
      send(res, 200, await route(req, req.url ?? path, raw, () => closed));
    } catch (error) {
      const status = isAppError(error) ? (HTTP_STATUS[error.code] ?? 500) : 500;
      if (status === 500) options.log.error({ err: error, path }, 'scanner protocol request failed');
      const code = isAppError(error) ? error.code : 'INTERNAL';
      const message = status === 500 ? 'internal error' : (error as Error).message;
      if (!res.headersSent) send(res, status, { error: { code, message } });
      else res.end();
    }
    return true;
  };
}
