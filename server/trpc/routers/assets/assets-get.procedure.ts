import { z } from 'zod';
import { getAsset } from '../../../services/assets/get-asset';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { PACKAGE_ECOSYSTEMS } from '../../../inventory/inventory.schema';
import { permittedProcedure } from '../../init';
import { findingOutput } from '../findings/findings-schemas';
import { assetSummaryOutput } from './assets-schemas';

export const assetsGetInput = z.object({ id: z.string().trim().min(1).max(64) });

const nullable = z.string().nullable();

export const assetDetailOutput = assetSummaryOutput.extend({
  macs: z.array(z.string()),
  kernel: nullable,
  sshHostKeys: z.array(z.object({ algorithm: z.string(), fingerprint: z.string(), firstSeenAt: z.iso.datetime(), lastSeenAt: z.iso.datetime() })),
  /** The non-secret summary of each open port; raw banners are evidence and are not returned. */
  services: z.array(
    z.object({
      port: z.number().int(),
      proto: z.literal('tcp'),
      name: z.string(),
      product: nullable,
      version: nullable,
      cpe: nullable,
      tls: z.object({ subject: z.string(), issuer: z.string(), notBefore: z.string(), notAfter: z.string(), protocols: z.array(z.string()), fingerprint256: nullable }).nullable(),
      http: z.object({ status: z.number().int(), server: nullable, title: nullable }).nullable(),
    }),
  ),
  inventoryAt: z.iso.datetime().nullable(),
  lastScanRunId: nullable,
  packages: z.array(
    z.object({ name: z.string(), version: z.string(), source: z.string().optional(), sourceVersion: z.string().optional(), arch: z.string().optional(), ecosystem: z.enum(PACKAGE_ECOSYSTEMS) }),
  ),
  findings: z.array(findingOutput),
});

export const assetsGet = permittedProcedure('assets:read')
  .meta({ openapi: { method: 'GET', path: '/assets/{id}', tags: ['assets'], protect: true, summary: 'One asset of your business units: services, packages and findings with their evidence' } })
  .input(assetsGetInput)
  .output(assetDetailOutput)
  .query(({ ctx, input }) => getAsset({ scope: scopeOfActing(ctx.acting), id: input.id }));
