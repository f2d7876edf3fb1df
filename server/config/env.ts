import { existsSync } from 'node:fs';
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import ConnectionString from 'mongodb-connection-string-url';
import { AppError } from '../errors/app-error';
import { parseWebhookTargetRules, type WebhookTargetRule } from '../services/webhooks/webhook-target-policy';

/** Configuration read from the environment once at start-up; every later module receives it. */
export interface VigilConfig {
  /** Set when an external MongoDB (or FerretDB) is used; unset means the embedded FerretDB. */
  mongodbUri: string | undefined;
  dataDir: string;
  port: number;
  masterKeyFile: string;
  tls: { certFile: string; keyFile: string } | undefined;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Production master key held by a KMIP server (HSM) instead of the local key file. */
  kmip: { endpoint: string; caFile?: string; certificateKeyFile?: string } | undefined;
  /** Cron expression of the daily KB mirror sync (node-cron syntax, local time). */
  /** null: `off`, no scheduled sync. */
  kbSyncSchedule: string | null;
  /** Console sessions end after this much inactivity, and in any case after the absolute lifetime. */
  session: { idleMinutes: number; maxHours: number };
  /** Detection reads KB records from a per-process cache: `auto` = on FerretDB only (README "Detection — KB cache"). */
  detectionKbCache: 'auto' | 'on' | 'off';
  /** VIGIL_WEBHOOK_ALLOWED_TARGETS: addresses, CIDRs and host names webhooks may (or, with `!`, may not) target. */
  webhookAllowedTargets: readonly WebhookTargetRule[];
}

function isMongoUri(value: string): boolean {
  try {
    const parsed = new ConnectionString(value);
    return parsed.hosts.length > 0;
  } catch {
    return false;
  }
}

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const positiveInt = (name: string, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a number of ${name}` })
      .int({ message: 'must be a whole number' })
      .min(1, { message: `must be between 1 and ${max}` })
      .max(max, { message: `must be between 1 and ${max}` })
      .default(fallback),
  );

const envSchema = z
  .object({
    MONGODB_URI: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(isMongoUri, { message: 'is not a valid MongoDB connection string (expected mongodb://host[:port]/database)' })
        .optional(),
    ),
    VIGIL_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    VIGIL_PORT: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ message: 'must be a port number' })
        .int({ message: 'must be a whole number' })
        .min(1, { message: 'must be between 1 and 65535' })
        .max(65535, { message: 'must be between 1 and 65535' })
        .default(8443),
    ),
    VIGIL_MASTER_KEY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
    VIGIL_TLS_CERT: z.preprocess(emptyToUndefined, z.string().optional()),
    VIGIL_TLS_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
    VIGIL_KMIP_ENDPOINT: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[^\s:/]+:\d+$/, { message: 'must be host:port of the KMIP server' }).optional(),
    ),
    VIGIL_KMIP_CA_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
    VIGIL_KMIP_CERT_KEY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
    VIGIL_KB_SYNC_SCHEDULE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine((value) => value === 'off' || cron.validate(value), { message: 'is not a valid cron expression (e.g. "17 3 * * *") or "off"' })
        .default('17 3 * * *'),
    ),
    VIGIL_SESSION_IDLE_MINUTES: positiveInt('minutes', 24 * 60, 30),
    VIGIL_SESSION_MAX_HOURS: positiveInt('hours', 24 * 30, 12),
    VIGIL_DETECTION_KB_CACHE: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
    VIGIL_WEBHOOK_ALLOWED_TARGETS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const { rules, problems } = parseWebhookTargetRules(value);
        for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem });
        return rules;
      }),
    VIGIL_LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.VIGIL_TLS_CERT) !== Boolean(env.VIGIL_TLS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['VIGIL_TLS_CERT'], message: 'VIGIL_TLS_CERT and VIGIL_TLS_KEY must be set together' });
    }
    for (const name of ['VIGIL_TLS_CERT', 'VIGIL_TLS_KEY', 'VIGIL_KMIP_CA_FILE', 'VIGIL_KMIP_CERT_KEY_FILE'] as const) {
      const file = env[name];
      if (file && !existsSync(file)) ctx.addIssue({ code: 'custom', path: [name], message: `file not found: ${file}` });
    }
  });

/**
 * Validates the environment. Throws one AppError whose message has one line per problem,
 * each naming the variable, so an operator can fix all of them in one go.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): VigilConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new AppError('CONFIG_INVALID', lines.join('\n'));
  }
  const parsed = result.data;
  const dataDir = path.resolve(cwd, parsed.VIGIL_DATA_DIR);
  return {
    mongodbUri: parsed.MONGODB_URI,
    dataDir,
    port: parsed.VIGIL_PORT,
    masterKeyFile: path.resolve(cwd, parsed.VIGIL_MASTER_KEY_FILE ?? path.join(dataDir, 'master.key')),
    tls:
      parsed.VIGIL_TLS_CERT && parsed.VIGIL_TLS_KEY
        ? { certFile: path.resolve(cwd, parsed.VIGIL_TLS_CERT), keyFile: path.resolve(cwd, parsed.VIGIL_TLS_KEY) }
        : undefined,
    logLevel: parsed.VIGIL_LOG_LEVEL,
    // `off`: no scheduled mirror sync (an installation fed by signed bundles or `vigil kb sync` alone).
    kbSyncSchedule: parsed.VIGIL_KB_SYNC_SCHEDULE === 'off' ? null : parsed.VIGIL_KB_SYNC_SCHEDULE,
    session: { idleMinutes: parsed.VIGIL_SESSION_IDLE_MINUTES, maxHours: parsed.VIGIL_SESSION_MAX_HOURS },
    detectionKbCache: parsed.VIGIL_DETECTION_KB_CACHE,
    webhookAllowedTargets: parsed.VIGIL_WEBHOOK_ALLOWED_TARGETS,
    kmip: parsed.VIGIL_KMIP_ENDPOINT
      ? {
          endpoint: parsed.VIGIL_KMIP_ENDPOINT,
          ...(parsed.VIGIL_KMIP_CA_FILE ? { caFile: path.resolve(cwd, parsed.VIGIL_KMIP_CA_FILE) } : {}),
          ...(parsed.VIGIL_KMIP_CERT_KEY_FILE ? { certificateKeyFile: path.resolve(cwd, parsed.VIGIL_KMIP_CERT_KEY_FILE) } : {}),
        }
      : undefined,
  };
}

/** A connection string with any password replaced, for logs and error messages. */
export function redactUri(uri: string): string {
  try {
    const parsed = new ConnectionString(uri);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid uri>';
  }
}
