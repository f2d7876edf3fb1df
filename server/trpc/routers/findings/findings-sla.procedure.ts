import { z } from 'zod';
import { scopeOfActing } from '../../../services/auth/acting-principal';
import { SLA_BREACHED_MAX, getSlaOverview } from '../../../services/findings/sla-overview';
import { KB_SEVERITIES } from '../../../services/kb/search-kb';
import { permittedProcedure } from '../../init';
import { findingWithAssetOutput, slaPolicyOutput } from './findings-schemas';

const count = z.number().int().nonnegative();

export const findingsSlaInput = z.object({ limit: z.coerce.number().int().min(1).max(SLA_BREACHED_MAX).default(50) }).default({ limit: 50 });

export const findingsSlaOutput = z.object({
  policy: slaPolicyOutput,
  at: z.date(),
  counts: z.array(z.object({ severity: z.enum(KB_SEVERITIES), ok: count, 'due-soon': count, breached: count })),
  breached: z.object({ items: z.array(findingWithAssetOutput), total: count }),
});

/** Open findings without an approved exception, per severity and SLA state, and the breached ones, most overdue first. */
export const findingsSla = permittedProcedure('findings:read')
  .meta({ openapi: { method: 'GET', path: '/findings/sla', tags: ['findings'], protect: true, summary: 'SLA view of your business units: counts per state and severity, breached findings' } })
  .input(findingsSlaInput)
  .output(findingsSlaOutput)
  .query(({ ctx, input }) => getSlaOverview({ scope: scopeOfActing(ctx.acting), limit: input.limit }));
