import cron from 'node-cron';
import { z } from 'zod';
import { SCAN_PROFILES } from '../../../scanner/protocol/v1/schemas';
import { parsePortSpec } from '../../../scanner/targets';

const MAX_TARGET_ENTRIES = 1000;

/** Defaults tuned for a LAN: fast connect timeouts with one retry keep recall on filtered ports. */
export const DEFAULT_LIMITS = { hostConcurrency: 32, portConcurrency: 512, perHostRate: 0, connectTimeoutMs: 1000, retries: 1, hostTimeoutMs: 600_000 } as const;

const targetEntry = z.string().trim().min(1).max(253).regex(/^[\w.:/-]+$/, 'an address, range, CIDR or hostname');

/** Input of creating a scan, shared by every transport (CLI, tRPC, REST). */
export const createScanInput = z.object({
  name: z.string().trim().min(1).max(128).regex(/^[\w.@ -]+$/, 'use letters, digits, spaces and . _ - @'),
  targets: z.array(targetEntry).min(1).max(MAX_TARGET_ENTRIES),
  exclusions: z.array(targetEntry).max(MAX_TARGET_ENTRIES).default([]),
  ports: z
    .string()
    .trim()
    .min(1)
    .max(4096)
    .superRefine((spec, ctx) => {
      try {
        parsePortSpec(spec);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  profile: z.enum(SCAN_PROFILES).optional(),
  credential: z.string().trim().min(1).max(100).optional(),
  schedule: z
    .string()
    .trim()
    .max(128)
    .refine((expression) => expression.split(/\s+/).length === 5 && cron.validate(expression), 'a five-field cron expression, e.g. "0 2 * * *"')
    .optional(),
  businessUnitId: z.string().trim().min(1).max(64).optional(),
  hostsPerJob: z.number().int().min(1).max(256).default(4),
  limits: z
    .object({
      hostConcurrency: z.number().int().min(1).max(1024),
      portConcurrency: z.number().int().min(1).max(4096),
      perHostRate: z.number().int().min(0).max(100_000),
      connectTimeoutMs: z.number().int().min(50).max(60_000),
      retries: z.number().int().min(0).max(5),
      hostTimeoutMs: z.number().int().min(1000).max(3_600_000),
    })
    .partial()
    .default({}),
});
export type CreateScanInput = z.input<typeof createScanInput>;

/** A scan named by id or by name, within the caller's units. */
export type ScanRef = { id: string } | { name: string };
