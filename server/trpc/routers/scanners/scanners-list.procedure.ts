import { z } from 'zod';
import { listScannerNodes } from '../../../services/scanner-nodes/list-scanner-nodes';
import { permittedProcedure } from '../../init';

/** A node as the console shows it: never its public key. */
export const scannerNodeOutput = z.object({
  id: z.string(),
  name: z.string(),
  /** active, disabled or revoked. */
  status: z.string(),
  version: z.string(),
  capabilities: z.array(z.string()),
  load: z.object({ running: z.number(), capacity: z.number(), loadAverage: z.number() }).nullable(),
  enrolledAt: z.iso.datetime(),
  lastHeartbeatAt: z.iso.datetime().nullable(),
  online: z.boolean(),
  /** Jobs the node holds a live lease on. */
  leasedJobs: z.number().int().nonnegative(),
});

export const scannersListOutput = z.object({ items: z.array(scannerNodeOutput) });

/** Whoever may see scans may see whether the nodes that run them are up. */
export const scannersList = permittedProcedure('scans:read')
  .meta({ openapi: { method: 'GET', path: '/scanners', tags: ['scanners'], protect: true, summary: 'Enrolled scanner nodes with status, heartbeat, version and running jobs' } })
  .input(z.void())
  .output(scannersListOutput)
  .query(async () => ({ items: await listScannerNodes() }));
