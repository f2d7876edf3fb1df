import { z } from 'zod';

const count = z.number().int().nonnegative();

/** What lists show of an asset: no evidence, not even encrypted. Open findings per severity. */
export const assetSummaryOutput = z.object({
  id: z.string(),
  businessUnitId: z.string(),
  name: z.string(),
  hostnames: z.array(z.string()),
  addresses: z.array(z.string()),
  os: z.object({ family: z.string(), name: z.string(), version: z.string(), codename: z.string().optional() }).nullable(),
  packageCount: count,
  serviceCount: count,
  openFindings: z.object({ critical: count, high: count, medium: count, low: count, none: count, unknown: count, total: count }),
  criticality: z.number().int().min(1).max(5),
  risk: z.object({ max: z.number().nonnegative(), total: z.number().nonnegative() }),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  hostKeyAlert: z.object({ expected: z.array(z.string()), presented: z.string().nullable(), at: z.iso.datetime() }).nullable(),
});
