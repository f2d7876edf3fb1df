import { z } from 'zod';
import { inventorySchema } from '../../../server/inventory/inventory.schema';

/**
 * Scanner protocol v1: the wire format between a scanner node and the console, used by both sides.
 * PROTOCOL.md beside this file describes the exchanges; this file is the contract.
 */
export const PROTOCOL_VERSION = 'v1';
export const PROTOCOL_BASE_PATH = '/api/scanner/v1';

/** Request-signing headers (every request but enrolment). */
export const NODE_ID_HEADER = 'x-vigil-node-id';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const SIGNATURE_HEADER = 'x-vigil-signature';
/** A signed request older or newer than this is refused (clock skew plus transit). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Largest request body the console reads from a node: one host's result with a 100k-package inventory fits. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const text = (max: number) => z.string().max(max);
const id = text(128).regex(/^[A-Za-z0-9_.:-]+$/, 'an id of letters, digits and _ . : -');

export const SCAN_PROFILES = ['discovery', 'services', 'inventory'] as const;
export type ScanProfile = (typeof SCAN_PROFILES)[number];

// ── Enrolment ────────────────────────────────────────────────────────────────────────────────
export const enrollRequestSchema = z.object({
  token: text(512).min(1),
  name: text(128).min(1),
  /** The node's Ed25519 public key, SPKI PEM. */
  publicKey: text(1024).min(1),
  version: text(64),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  nodeId: id,
  name: text(128),
  heartbeatSeconds: z.number().int().positive(),
  pollSeconds: z.number().int().positive(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

// ── Heartbeat ────────────────────────────────────────────────────────────────────────────────
export const heartbeatRequestSchema = z.object({
  version: text(64),
  load: z.object({ running: z.number().int().min(0), capacity: z.number().int().min(0), loadAverage: z.number().min(0) }),
  capabilities: z.array(text(64)).max(64),
  /** The leases the node holds: a heartbeat renews them. */
  leases: z.array(z.object({ jobId: id, leaseId: id })).max(256),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

export const heartbeatResponseSchema = z.object({
  status: z.enum(['active', 'disabled']),
  /** Leases renewed, with their new expiry. A lease missing here is lost: the node stops that job. */
  renewed: z.array(z.object({ jobId: id, leaseExpiresAt: z.string() })),
  /** Jobs whose scan was cancelled or paused: the node stops them and returns nothing more. */
  cancelled: z.array(id),
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

// ── Work ─────────────────────────────────────────────────────────────────────────────────────
export const jobLimitsSchema = z.object({
  /** Hosts scanned at once by this job. */
  hostConcurrency: z.number().int().min(1).max(1024),
  /** Connections in flight at once against one host. */
  portConcurrency: z.number().int().min(1).max(4096),
  /** New connections per second against one host (0 = unlimited). */
  perHostRate: z.number().int().min(0).max(100_000),
  connectTimeoutMs: z.number().int().min(50).max(60_000),
  /** Extra attempts for a port that timed out (filtered ports get this many retries). */
  retries: z.number().int().min(0).max(5),
  /** Whole budget for one host, all checks included. */
  hostTimeoutMs: z.number().int().min(1000).max(3_600_000),
});
export type JobLimits = z.infer<typeof jobLimitsSchema>;

export const jobHostSchema = z.object({
  /** An IPv4/IPv6 address or a hostname, exactly as the scan expanded it. */
  address: text(253).min(1),
  /** Known SSH host key of this address (`SHA256:…`): anything else is a mismatch and the node does not log in. */
  expectedHostKey: text(128).optional(),
});
export type JobHost = z.infer<typeof jobHostSchema>;

export const jobSpecSchema = z.object({
  jobId: id,
  leaseId: id,
  leaseExpiresAt: z.string(),
  runId: id,
  scanName: text(128),
  profile: z.enum(SCAN_PROFILES),
  hosts: z.array(jobHostSchema).max(4096),
  /** Port spec, e.g. `22,80,443,8000-8100`. */
  ports: text(4096),
  /** Addresses/ranges that must never be touched; the node checks them again before any connection. */
  exclusions: z.array(text(64)).max(4096),
  /** The job needs a credential: the node fetches it just in time and keeps it only in memory. */
  hasCredential: z.boolean(),
  limits: jobLimitsSchema,
});
export type JobSpec = z.infer<typeof jobSpecSchema>;

export const pollRequestSchema = z.object({
  /** Jobs the node can take now. */
  capacity: z.number().int().min(0).max(64),
  /** How long the console may hold the request open when no job is waiting. */
  waitSeconds: z.number().int().min(0).max(60),
});
export const pollResponseSchema = z.object({ job: jobSpecSchema.nullable() });

export const leaseRequestSchema = z.object({ leaseId: id });

export const jobCredentialSchema = z.object({
  type: z.enum(['ssh-password', 'ssh-key']),
  username: text(256),
  password: text(4096).optional(),
  privateKey: text(65_536).optional(),
  passphrase: text(4096).optional(),
  sudo: z.boolean(),
  sudoPassword: text(4096).optional(),
});
export type JobCredential = z.infer<typeof jobCredentialSchema>;
export const credentialResponseSchema = z.object({ credential: jobCredentialSchema });

// ── Results ──────────────────────────────────────────────────────────────────────────────────
export const portStateSchema = z.object({
  port: z.number().int().min(1).max(65_535),
  proto: z.literal('tcp'),
  state: z.enum(['open', 'closed', 'filtered']),
});
export type PortState = z.infer<typeof portStateSchema>;

export const tlsInfoSchema = z.object({
  subject: text(1024),
  issuer: text(1024),
  notBefore: text(64),
  notAfter: text(64),
  /** Protocol versions the service accepted, e.g. `TLSv1.2`, `TLSv1.3`. */
  protocols: z.array(text(16)).max(8),
  fingerprint256: text(128).optional(),
});

export const detectedServiceSchema = z.object({
  port: z.number().int().min(1).max(65_535),
  proto: z.literal('tcp'),
  /** Service name: ssh, http, https, smtp, ftp, … or `unknown`. */
  name: text(32),
  product: text(256).optional(),
  version: text(128).optional(),
  cpe: text(512).optional(),
  /** The first bytes the service sent (or answered), sanitised to printable text and bounded. */
  banner: text(1024).optional(),
  tls: tlsInfoSchema.optional(),
  http: z.object({ status: z.number().int(), server: text(256).optional(), title: text(256).optional() }).optional(),
});
export type DetectedService = z.infer<typeof detectedServiceSchema>;

export const hostProblemSchema = z.object({
  /** discovery | ports | services | ssh | inventory | host-key-mismatch | timeout | excluded */
  stage: text(32),
  message: text(1024),
});
export type HostProblem = z.infer<typeof hostProblemSchema>;

export const sshResultSchema = z.object({
  /** The host key the target presented (`SHA256:…` as OpenSSH prints it) and its algorithm. */
  hostKey: z.object({ algorithm: text(64), fingerprint: text(128) }).optional(),
  authenticated: z.boolean(),
  inventory: inventorySchema.optional(),
  /** The inventory script's raw output: evidence, encrypted by the console before it is stored. */
  rawOutput: text(64 * 1024 * 1024).optional(),
  /** Listening TCP sockets the host reported (port numbers). */
  listening: z.array(z.number().int().min(1).max(65_535)).max(65_535).optional(),
});
export type SshResult = z.infer<typeof sshResultSchema>;

export const hostResultSchema = z.object({
  address: text(253).min(1),
  /** Reverse name or the name the target was given as. */
  hostname: text(253).optional(),
  reachable: z.boolean(),
  /** Only open ports are sent; closed and filtered ones are counted. */
  openPorts: z.array(portStateSchema).max(65_535),
  closedPorts: z.number().int().min(0),
  filteredPorts: z.number().int().min(0),
  services: z.array(detectedServiceSchema).max(65_535),
  ssh: sshResultSchema.optional(),
  problems: z.array(hostProblemSchema).max(256),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type HostResult = z.infer<typeof hostResultSchema>;

/** One numbered result chunk: the complete result of one host. A repeated (jobId, leaseId, seq) is ignored. */
export const chunkRequestSchema = z.object({
  leaseId: id,
  seq: z.number().int().min(0),
  result: hostResultSchema,
});
export const chunkResponseSchema = z.object({
  /** false: this chunk (or this host's result) was already stored; nothing was written. */
  accepted: z.boolean(),
  /** The job was cancelled meanwhile: stop and send nothing more. */
  cancelled: z.boolean(),
});

export const failRequestSchema = z.object({ leaseId: id, error: text(2048), retryable: z.boolean() });
export const okResponseSchema = z.object({ ok: z.literal(true) });

/** Every error answer: `{ error: { code, message } }` with an HTTP status. */
export const errorResponseSchema = z.object({ error: z.object({ code: text(64), message: text(2048) }) });
